// The `openxaa` command driven as a child process against the loopback world: device-grant login approved by the
// test at the IdP, servers, tools, call (with step-up), token, inspect of a broken token, refusals and exit codes.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { createTestKey } from './fixtures/support.js'
import { AS_A_CLIENT, AS_B_CLIENT, IDP_CLIENT, startWorld, type World } from './fixtures/world.js'

const BIN = fileURLToPath(new URL('../bin/openxaa.mjs', import.meta.url))
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

let world: World
let home: string

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function start(args: string[], viaShim = false, env: Record<string, string> = {}): ChildProcess {
  const argv = viaShim ? [BIN, ...args] : ['--conditions=openxaa-source', '--import', TSX, MAIN, ...args]
  return spawn(process.execPath, argv, {
    env: { ...process.env, OPENXAA_HOME: home, DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

function finish(child: ChildProcess, onStderr?: (text: string) => void): Promise<Run> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => {
    stdout += d
  })
  child.stderr!.on('data', (d) => {
    stderr += d
    onStderr?.(stderr)
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const openxaa = (...args: string[]) => finish(start(args))

beforeAll(async () => {
  world = await startWorld()
  home = await mkdtemp(join(tmpdir(), 'openxaa-cli-'))
})
afterAll(async () => {
  await world.close()
  await rm(home, { recursive: true, force: true })
})

describe('openxaa as a user types it', () => {
  test('login --device: the user code is shown on stderr, approved at the IdP, and the session saved', async () => {
    const child = start(
      [
        'login',
        '--device',
        '--idp',
        world.idp.issuer,
        '--client-id',
        IDP_CLIENT.id,
        '--client-secret',
        IDP_CLIENT.secret,
      ],
      true,
    )
    let approved = false
    const run = await finish(child, (stderr) => {
      const code = /enter the code ([A-F0-9]+)/.exec(stderr)?.[1]
      if (code !== undefined && !approved) {
        approved = true
        world.idp.approveDevice(code)
      }
    })
    expect(run.stderr).toContain(`open ${world.idp.issuer}/activate`)
    expect(run).toMatchObject({ code: 0, stdout: `Signed in as alice@acme.example at ${world.idp.issuer}.\n` })
    expect((await stat(join(home, 'config.json'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(home, 'tokens.json'))).mode & 0o777).toBe(0o600)
    expect((await stat(home)).mode & 0o777).toBe(0o700)
  })

  test('servers add discovers each authorization server and keeps the credentials per issuer', async () => {
    const a = await openxaa(
      'servers',
      'add',
      'files',
      world.mcpA.mcpUrl,
      '--as-client-id',
      AS_A_CLIENT.id,
      '--as-client-secret',
      AS_A_CLIENT.secret,
    )
    expect(a.code).toBe(0)
    expect(a.stdout).toContain(`authorization server ${world.asA.issuer}, discovered`)
    const b = await openxaa(
      'servers',
      'add',
      'chat',
      world.mcpB.mcpUrl,
      '--as-client-id',
      AS_B_CLIENT.id,
      '--as-client-secret',
      AS_B_CLIENT.secret,
    )
    expect(b.code).toBe(0)
    const list = await openxaa('servers', 'list', '--json')
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'files', url: world.mcpA.mcpUrl, issuer: world.asA.issuer, credentials: true },
      { name: 'chat', url: world.mcpB.mcpUrl, issuer: world.asB.issuer, credentials: true },
    ])
  })

  test('tools and call on both servers without another sign-in; step-up through the CLI', async () => {
    const listed = await openxaa('tools', 'files')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^echo {2}Echoes its text$/m)
    const echoed = await openxaa('call', 'chat', 'echo', '{"text":"hello from the CLI"}')
    expect(echoed).toMatchObject({ code: 0, stdout: 'hello from the CLI\n' })
    const wrote = await openxaa('call', 'files', 'write', '{"path":"/notes.txt"}')
    expect(wrote).toMatchObject({ code: 0, stdout: 'wrote /notes.txt\n' })
    expect(world.idp.exchanges.at(-1)?.scopes).toEqual(['files:read', 'files:write'])
    // no progress line or debug output when stderr is not a terminal
    expect(listed.stderr + echoed.stderr + wrote.stderr).toBe('')
  })

  test('whoami names the signed-in user, without a token; servers remove forgets a server', async () => {
    const who = await openxaa('whoami')
    expect(who.code).toBe(0)
    expect(who.stdout).toMatch(/^alice@acme\.example \(Alice\)\n {2}subject {3}u-alice\n/)
    expect(who.stdout).toContain(`  IdP       ${world.idp.issuer}\n`)
    expect(who.stdout).toContain(', renewed silently')
    const json = JSON.parse((await openxaa('whoami', '--json')).stdout)
    expect(json).toMatchObject({ signedIn: true, subject: 'u-alice', issuer: world.idp.issuer, renewable: true })
    for (const token of world.tokens.all) expect(who.stdout + JSON.stringify(json)).not.toContain(token)

    expect((await openxaa('servers', 'add', 'spare', world.mcpA.mcpUrl)).code).toBe(0)
    expect(await openxaa('servers', 'remove', 'spare')).toMatchObject({ code: 0, stdout: 'Removed spare.\n' })
    const names = JSON.parse((await openxaa('servers', 'list', '--json')).stdout).map((s: { name: string }) => s.name)
    expect(names).toEqual(['files', 'chat'])
    expect(await openxaa('servers', 'remove', 'spare')).toMatchObject({ code: 1 })
  })

  test('token --json prints the access token for scripts; the token store holds no ID-JAG', async () => {
    const run = await openxaa('token', 'files', '--json')
    expect(run.code).toBe(0)
    const out = JSON.parse(run.stdout)
    expect(out).toMatchObject({ token_type: 'Bearer', resource: world.mcpA.mcpUrl, issuer: world.asA.issuer })
    expect(world.tokens.all.has(out.access_token)).toBe(true)
    const stored = await readFile(join(home, 'tokens.json'), 'utf8')
    expect(stored).not.toMatch(/oauth-id-jag|"idJag"/)
  })

  test('inspect of a broken ID-JAG: what it is, which rules it breaks, exit code 5', async () => {
    const key = await createTestKey('k')
    const now = Math.floor(Date.now() / 1000)
    const broken = await new SignJWT({
      iss: world.idp.issuer,
      sub: 'u-alice',
      aud: ['https://as-a.example', 'https://as-b.example'],
      client_id: 'agent',
      iat: now - 2500,
      exp: now - 600,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt' })
      .sign(key.signing.privateKey)
    const run = await openxaa('inspect', broken)
    expect(run.code).toBe(5)
    expect(run.stdout).toContain(
      'ID-JAG (identity assertion JWT authorization grant), recognised by typ oauth-id-jag+jwt',
    )
    expect(run.stdout).toContain('aud has 2 values; exactly one (the resource AS issuer) is allowed')
    expect(run.stdout).toContain('the REQUIRED claim jti is missing')
    expect(run.stdout).toContain('lifetime is 1900 s')
    expect(run.stdout).toContain('(expired 10 min ago)')
  })

  test('--json for scripts: tools and call print the MCP answer, inspect (token on stdin) its report with exit 5', async () => {
    const listed = await openxaa('tools', 'files', '--json')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout).map((t: { name: string }) => t.name)).toEqual(['echo', 'whoami', 'write'])
    const called = await openxaa('call', 'chat', 'echo', '{"text":"for a script"}', '--json')
    expect(called.code).toBe(0)
    expect(JSON.parse(called.stdout)).toMatchObject({ content: [{ type: 'text', text: 'for a script' }] })

    // An access token whose typ is plain JWT and that lives two hours: two rules broken.
    const key = await createTestKey('k2')
    const now = Math.floor(Date.now() / 1000)
    const broken = await new SignJWT({
      iss: world.asA.issuer,
      sub: 'u-alice',
      aud: world.mcpA.mcpUrl,
      client_id: AS_A_CLIENT.id,
      scope: 'files:read',
      jti: 'j-1',
      iat: now,
      exp: now + 7200,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(key.signing.privateKey)
    const child = start(['inspect', '-', '--json'])
    child.stdin!.end(broken)
    const run = await finish(child)
    expect(run.code).toBe(5)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ kind: 'access-token', ok: false, issuer: world.asA.issuer, lifetime: 7200 })
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error').length).toBeGreaterThan(0)
    expect(run.stdout + run.stderr).not.toContain(broken)
    expect(run.stdout).not.toContain(broken.split('.')[2]!)
  })

  test('a tool that reports an error exits 6; an unreachable server exits 4 with a message and no stack', async () => {
    const failed = await openxaa('call', 'files', 'echo', '{"text":42}')
    expect(failed.code).toBe(6)
    expect(failed.stdout).toMatch(/text/)
    const unreachable = await openxaa('tools', 'http://127.0.0.1:1/mcp')
    expect(unreachable.code, unreachable.stderr).toBe(4)
    expect(unreachable.stderr).toMatch(/^openxaa tools: .*127\.0\.0\.1:1/)
    expect(unreachable.stderr).not.toMatch(/\n\s+at /)
  })

  test('on a terminal a progress line says what the command waits for and is cleared before the result', async () => {
    const { runCli } = await import('../src/cli/main.js')
    const out = { stdout: '', stderr: '' }
    const code = await runCli(['tools', 'files'], {
      stdout: (t) => {
        out.stdout += t
      },
      stderr: (t) => {
        out.stderr += t
      },
      isTTY: true,
      env: { OPENXAA_HOME: home },
      readStdin: async () => '',
    })
    expect(code).toBe(0)
    expect(out.stderr).toContain(`connecting to ${new URL(world.mcpA.mcpUrl).host}…`)
    expect(out.stderr.endsWith('\r\x1b[K')).toBe(true)
    expect(out.stdout).toMatch(/^echo {2}Echoes its text$/m)
  })

  test('OPENXAA_DEBUG=1: debug lines through the whole flow on stderr, never a token or a secret', async () => {
    const path = join(home, 'tokens.json')
    const data = JSON.parse(await readFile(path, 'utf8'))
    data.accessTokens = {} // a full run: exchange at the IdP, redemption at the AS
    await writeFile(path, JSON.stringify(data), { mode: 0o600 })
    const before = world.idp.exchanges.length
    const run = await finish(start(['call', 'chat', 'echo', '{"text":"debugged"}'], false, { OPENXAA_DEBUG: '1' }))
    expect(run).toMatchObject({ code: 0, stdout: 'debugged\n' })
    expect(world.idp.exchanges.length).toBe(before + 1)
    expect(run.stderr.split('\n').filter((l) => l.startsWith('debug: ')).length).toBeGreaterThan(1)
    expect(world.tokens.leakIn(run.stderr)).toBeUndefined()
    for (const secret of [IDP_CLIENT.secret, AS_A_CLIENT.secret, AS_B_CLIENT.secret]) {
      expect(run.stderr).not.toContain(secret)
    }
  })

  test('refused by policy: the user disabled at the IdP → exit 3 with the IdP reason', async () => {
    const path = join(home, 'tokens.json')
    const data = JSON.parse(await readFile(path, 'utf8'))
    data.accessTokens = {} // as if every access token had expired
    await writeFile(path, JSON.stringify(data), { mode: 0o600 })
    world.idp.users.get('u-alice')!.disabled = true
    try {
      const run = await openxaa('call', 'chat', 'echo', '{"text":"x"}')
      expect(run.code).toBe(3)
      expect(run.stderr).toContain('openxaa call: the IdP token exchange refused (access_denied): the user is disabled')
      for (const token of world.tokens.all) expect(run.stderr + run.stdout).not.toContain(token)
    } finally {
      world.idp.users.get('u-alice')!.disabled = false
    }
  })

  test('logout, then whoami exits 2 and call asks for a sign-in', async () => {
    expect(await openxaa('logout')).toMatchObject({ code: 0, stdout: 'Signed out.\n' })
    expect(world.idp.revoked.length).toBe(1)
    const who = await openxaa('whoami', '--json')
    expect(who.code).toBe(2)
    expect(JSON.parse(who.stdout)).toEqual({ signedIn: false })
    const call = await openxaa('call', 'files', 'echo', '{"text":"x"}', '--json')
    expect(call.code).toBe(2)
    expect(JSON.parse(call.stdout).error).toMatchObject({ code: 'ERR_SIGN_IN_REQUIRED', exit: 2 })
  })
})

describe('runCli in process (the same code, without a child process)', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' }
    return {
      out,
      io: {
        stdout: (t: string) => {
          out.stdout += t
        },
        stderr: (t: string) => {
          out.stderr += t
        },
        isTTY: false,
        env: { OPENXAA_HOME: home },
        readStdin: async () => '',
      },
    }
  }

  test.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['call', 'files', 'echo', 'not json'], 'the arguments are not valid JSON'],
    [['call', 'files', 'echo', '[1]'], 'the arguments must be a JSON object'],
    [['servers', 'add', 'bad name', 'https://x.example/mcp'], 'a server name is'],
    [['servers', 'add', 'x', 'http://example.com/mcp'], 'must be https'],
    [['tools', 'nowhere'], 'unknown server "nowhere"'],
    [['login', '--idp', 'https://idp.example'], '--idp and --client-id go together'],
    [['token', '--frob'], 'unknown option --frob'],
  ])('usage error %j exits 1: %s', async (argv, message) => {
    const { runCli } = await import('../src/cli/main.js')
    const { io: cliIo, out } = io()
    expect(await runCli(argv, cliIo)).toBe(1)
    expect(out.stderr).toContain(message)
  })

  test('--help on every command; no command prints the overview and exits 1', async () => {
    const { runCli } = await import('../src/cli/main.js')
    for (const name of ['login', 'logout', 'whoami', 'servers', 'tools', 'call', 'token', 'inspect']) {
      const { io: cliIo, out } = io()
      expect(await runCli([name, '--help'], cliIo)).toBe(0)
      expect(out.stdout).toMatch(/^Usage: openxaa /)
    }
    const { io: cliIo, out } = io()
    expect(await runCli([], cliIo)).toBe(1)
    expect(out.stdout).toContain('Exit codes: 0 ok, 1 usage or configuration, 2 sign-in required, 3 refused by policy')
  })

  test('openxaa idp: the command comes from @openxaa/idp/cli, writing through the CLI', async () => {
    const { runCli } = await import('../src/cli/main.js')
    const { io: cliIo, out } = io()
    expect(await runCli(['idp', '--help'], cliIo)).toBe(0)
    expect(out.stdout).toContain('usage: openxaa-idp <command>')
  })

  test('openxaa as: the command comes from @openxaa/auth-server/cli', async () => {
    const { runCli } = await import('../src/cli/main.js')
    const { io: cliIo } = io()
    const printed: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line))
    try {
      expect(await runCli(['as', '--help'], cliIo)).toBe(0)
    } finally {
      log.mockRestore()
    }
    expect(printed.join('\n')).toContain('usage: openxaa-as <command>')
  })

  test('a delegated command whose package is not installed names the package to install', async () => {
    const { runDelegated } = await import('../src/cli/delegate.js')
    const { io: cliIo } = io()
    const missing = { summary: 'x', module: '@openxaa/not-installed/cli', installs: '@openxaa/not-installed' }
    await expect(runDelegated('x', missing, [], cliIo)).rejects.toThrow(
      '"openxaa x" is provided by @openxaa/not-installed, which is not installed',
    )
  })
})
