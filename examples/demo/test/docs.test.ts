// Every command in the shell blocks of the guides works as written. The IdP and authorization-server administration
// commands run in-process (the same `runCli` the `npm run -s idp` and `npx openxaa-as` shims call) on fresh SQLite
// files (the quickstart's on a running demo's), in the order the guides give them; `npm start` lines must parse; the
// quickstart's `openxaa` lines are run by npm-start.test.ts against the real `npm start`. A shell line that none of these covers fails the test, so a new command
// cannot enter the docs untried.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KNOWN_SETTINGS } from '@openxaa/ops'
import { openStore } from '@openxaa/store'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { runCli as runAsCli } from '../../../packages/auth-server/src/cli/main.js'
import { runCli as runIdpCli } from '../../../packages/idp/src/cli/main.js'
import { parseSettings } from '../src/index.js'
import { startTestDemo, TestClock } from './support/world.js'

const root = join(import.meta.dirname, '../../..')
const GUIDES = ['quickstart.md', 'mcp-server.md', 'ai-client.md', 'run-the-idp.md', 'security-model.md']

/** The lines of a guide's ```sh blocks, comments and trailing comments removed. */
function shellLines(guide: string): string[] {
  const text = readFileSync(join(root, 'docs', guide), 'utf8')
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split('\n'))
    .map((l) => l.replace(/ {2,}# .*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

/** Splits a command line into words the way sh does for the quoting the guides use ('…' and "…"). */
function words(line: string): string[] {
  const out: string[] = []
  let current: string | undefined
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1)
      current = (current ?? '') + line.slice(i + 1, end)
      i = end
    } else if (ch === ' ') {
      if (current !== undefined) out.push(current)
      current = undefined
    } else current = (current ?? '') + ch
  }
  if (current !== undefined) out.push(current)
  return out
}

const dir = mkdtempSync(join(tmpdir(), 'openxaa-docs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `[printf '<stdin>' |] npm run -s idp -- <args>` in-process (on the docs' IdP database without --database-url). */
async function idp(line: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const piped = /^printf '([^']*)' \| (.*)$/.exec(line)
  const argv = words(piped?.[2] ?? line)
  expect(argv.slice(0, 5)).toEqual(['npm', 'run', '-s', 'idp', '--'])
  const out: string[] = []
  const err: string[] = []
  const code = await runIdpCli(argv.slice(5), {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: async () => piped?.[1] ?? '',
    env: { OPENXAA_PASSWORD_HASH_COST: '12', USER: 'docs' },
    openStore: (url) => openStore({ url: url ?? `sqlite:${join(dir, 'idp.db')}`, dataDir: dir }),
  })
  return { code, out, err }
}

/** Runs `npx openxaa-as <args>` in-process on the docs' AS database. */
async function openxaaAs(line: string): Promise<{ code: number; out: string }> {
  const argv = words(line)
  expect(argv.slice(0, 2)).toEqual(['npx', 'openxaa-as'])
  const logged: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')))
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')))
  try {
    const code = await runAsCli([...argv.slice(2), '--database-url', `sqlite:${join(dir, 'as.db')}`])
    return { code, out: logged.join('\n') }
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
}

describe('the commands of the guides work as written', () => {
  test('every shell line of every guide is covered by a check', () => {
    for (const guide of GUIDES) {
      for (const line of shellLines(guide)) {
        const covered =
          /^npm (install|start)\b/.test(line) ||
          /^(printf '[^']*' \| )?npm run -s idp -- /.test(line) ||
          line.startsWith('npx openxaa-as ') ||
          (guide === 'quickstart.md' && line.startsWith('OPENXAA_HOME=data/demo/cli npm run -s openxaa -- ')) ||
          line === `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`
        expect(covered, `${guide}: ${line}`).toBe(true)
      }
    }
  })

  test('npm start lines take only settings the demo knows', () => {
    for (const guide of GUIDES) {
      for (const line of shellLines(guide).filter((l) => /^npm start\b/.test(l))) {
        const argv = words(line).slice(3) // npm start --
        expect(() => parseSettings(argv, {}, root), line).not.toThrow()
      }
    }
  })

  test('the key-encryption key one-liner prints 32 random bytes in base64url', () => {
    const run = spawnSync(process.execPath, ['-e', "console.log(crypto.randomBytes(32).toString('base64url'))"])
    expect(run.stdout.toString().trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  test("the quickstart's day-two IdP commands, on a running demo's database", async () => {
    const demo = await startTestDemo(new TestClock())
    try {
      const lines = shellLines('quickstart.md').filter((l) => l.startsWith('npm run -s idp -- '))
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        const run = await idp(line.replaceAll('data/demo', demo.dataDir))
        expect(run.code, `${line}\n${run.err.join('\n')}`).toBe(0)
        if (line.includes(' audit list ')) expect(run.out.join('\n')).toContain('admin.connection.create')
      }
    } finally {
      await demo.close()
    }
  })

  test("run-the-idp.md, then mcp-server.md: the IdP's and the AS's administration, in order", async () => {
    let trust: string | undefined
    for (const guide of ['run-the-idp.md', 'mcp-server.md']) {
      for (const line of shellLines(guide)) {
        if (line.startsWith('npx openxaa-as ')) {
          const run = await openxaaAs(line)
          expect(run.code, `${line}\n${run.out}`).toBe(0)
          trust = /trust (tr_[A-Za-z0-9]+) created/.exec(run.out)?.[1] ?? trust
        } else if (/npm run -s idp -- /.test(line)) {
          const run = await idp(line)
          expect(run.code, `${line}\n${run.err.join('\n')}`).toBe(0)
        }
      }
    }
    // `trust add` ran and printed the id the guide tells the reader to enable.
    expect(trust).toMatch(/^tr_/)
  })
})

/** The text of every file under `dirs` (relative to the root) whose name matches `name`; node_modules and dist skipped. */
function filesUnder(dirs: string[], name: RegExp): Map<string, string> {
  const out = new Map<string, string>()
  for (const dir of dirs) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name)
      if (!entry.isFile() || !name.test(entry.name) || /\/(node_modules|dist|results)\//.test(path)) continue
      out.set(path.slice(root.length + 1), readFileSync(path, 'utf8'))
    }
  }
  return out
}

describe('the docs match the code', () => {
  // Names only (a prefix followed by `*`, such as OPENXAA_RATE_LIMIT_*, is a family, not a setting).
  const names = (text: string) =>
    new Set([...text.matchAll(/\bOPENXAA_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*\*)/g)].map((m) => m[0]))
  const union = (files: Map<string, string>) => new Set([...files.values()].flatMap((text) => [...names(text)]))
  const docs = filesUnder(['docs', 'packages', 'examples', 'bench'], /\.md$/)
  docs.set('README.md', readFileSync(join(root, 'README.md'), 'utf8'))

  test('every OPENXAA_* setting the code reads is documented, and every documented one is read by the code', () => {
    const code = union(filesUnder(['packages', 'examples', 'scripts', 'bench', 'test'], /\.(ts|tsx|mjs)$/))
    const documented = union(docs)
    // docs/operations.md shows the error a misspelt setting gets (a test spells it too): a name on purpose unknown.
    const misspelt = 'OPENXAA_LOG_LEVLE'
    expect([...code].filter((n) => !documented.has(n) && n !== misspelt).sort(), 'read by the code, in no doc').toEqual(
      [],
    )
    expect([...documented].filter((n) => !code.has(n) && n !== misspelt).sort(), 'documented, read nowhere').toEqual([])
  })

  test("the IdP's configuration reference and the operations page list every setting a server reads", () => {
    const everyServerSetting = [...KNOWN_SETTINGS, 'OPENXAA_CONFIG_FILE'].filter((n) => n.startsWith('OPENXAA_'))
    for (const guide of ['docs/run-the-idp.md', 'docs/operations.md']) {
      const listed = names(docs.get(guide) ?? '')
      expect(
        everyServerSetting.filter((n) => !listed.has(n)),
        guide,
      ).toEqual([])
    }
  })

  test('every console screenshot the browser tests take is committed, in docs/console.md and in the README', () => {
    const tests = filesUnder(['packages/idp/test/console', 'packages/auth-server/test/console'], /\.test\.ts$/)
    const taken = [...tests.values()].flatMap((text) =>
      [...text.matchAll(/screenshot\(\w+, '([a-z-]+)'\)/g)].map((m) => m[1]!),
    )
    expect(new Set(taken).size, 'each screenshot name taken once').toBe(taken.length)
    const committed = readdirSync(join(root, 'docs/screenshots'))
      .filter((f) => f.endsWith('.png'))
      .map((f) => f.slice(0, -4))
    expect([...committed].sort()).toEqual([...taken].sort())
    for (const name of committed) {
      expect(docs.get('docs/console.md'), `docs/console.md shows ${name}`).toContain(`(screenshots/${name}.png)`)
      expect(docs.get('README.md'), `README.md shows ${name}`).toContain(`(docs/screenshots/${name}.png)`)
    }
  })
})
