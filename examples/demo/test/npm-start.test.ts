// The demo as a user runs it: the real `npm start` (in a temp data folder, on free ports), then every `openxaa`
// command exactly as the demo printed it, through a shell from the repository root: a device sign-in approved through
// the IdP's own pages, tools on both MCP servers, and a call refused by policy with its exit code. Then SIGTERM: the
// demo exits 0 and every port is free again. A second `npm start` finds the SQLite data (the CLI's sign-in still
// works, no second set-up); `npm start -- --reset` deletes it and sets the demo up again.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connectOutcome, freePort } from '../../../test/support/child-process.js'
import { READY_LINE, userNamed, WALKTHROUGH_SIGN_INS } from '../src/index.js'
import { approveDeviceCode } from './support/browser.js'

const root = join(import.meta.dirname, '../../..')

/**
 * The `openxaa` commands of docs/quickstart.md's shell blocks, in order, with what their trailing comments promise:
 * `# approve as <user>` for a device sign-in, `# exits <n>`. (docs.test.ts runs the guide's IdP commands.)
 */
function quickstartCommands(): { line: string; approveAs?: string; exit: number }[] {
  const text = readFileSync(join(root, 'docs/quickstart.md'), 'utf8')
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!)
  return blocks
    .flatMap((block) => block.split('\n').map((l) => l.trim()))
    .filter((l) => l.startsWith('OPENXAA_HOME='))
    .map((l) => {
      const comment = / {2,}# (.*)$/.exec(l)
      const line = comment ? l.slice(0, comment.index).trim() : l
      const approveAs = /approve as (\w+)/.exec(comment?.[1] ?? '')?.[1]
      const exit = Number(/exits (\d)/.exec(comment?.[1] ?? '')?.[1] ?? 0)
      return { line, exit, ...(approveAs === undefined ? {} : { approveAs }) }
    })
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one printed command line through a shell, from the repository root. */
function sh(line: string, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd: root, env: { ...process.env, OPENXAA_DEBUG: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
      onStderr?.(stderr)
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Runs a printed `login --device` and approves its code at the IdP as `username`, like a person would. */
async function deviceLogin(line: string, idp: string, username: string): Promise<Run> {
  const user = userNamed(username)
  let approval: Promise<void> | undefined
  const run = await sh(line, (stderr) => {
    const code = /enter the code ([A-Z0-9-]+)/.exec(stderr)?.[1]
    if (code !== undefined && approval === undefined) {
      approval = approveDeviceCode(idp, code, user.username, user.password)
    }
  })
  await approval
  return run
}

interface Started {
  child: ChildProcess
  exit: Promise<number | null>
  output: () => string
}

/** Runs the real `npm start -- <args>` from the repository root and resolves once it printed its ready line. */
async function npmStart(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn('npm', ['start', '--', ...args], { cwd: root, env })
  let output = ''
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 45 s:\n${output}`)), 45_000)
    child.stdout!.on('data', (d: Buffer) => {
      output += d
      if (output.includes(READY_LINE)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr!.on('data', (d: Buffer) => {
      output += d
    })
    void exit.then((code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)))
  })
  return { child, exit, output: () => output }
}

describe('npm start, driven as a user would', () => {
  let demo: Started
  let output = ''
  let exit: Promise<number | null>
  let ports: number[]
  let env: NodeJS.ProcessEnv
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-npm-start-'))
  const started: Started[] = []

  beforeAll(async () => {
    ports = []
    for (let i = 0; i < 5; i++) ports.push(await freePort())
    const [idp, notesAs, notesMcp, tasksAs, tasksMcp] = ports.map(String)
    env = {
      ...process.env,
      OPENXAA_DEMO_IDP_PORT: idp,
      OPENXAA_DEMO_NOTES_AS_PORT: notesAs,
      OPENXAA_DEMO_NOTES_MCP_PORT: notesMcp,
      OPENXAA_DEMO_TASKS_AS_PORT: tasksAs,
      OPENXAA_DEMO_TASKS_MCP_PORT: tasksMcp,
    }
    delete env.OPENXAA_DATABASE_URL
    demo = await npmStart(['--data-dir', dataDir], env)
    started.push(demo)
    output = demo.output()
    exit = demo.exit
  }, 60_000)

  afterAll(() => {
    for (const run of started) if (run.child.exitCode === null) run.child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the quickstart, with every command the demo printed, as printed: one sign-in, both servers, a refusal', async () => {
    const idp = `http://127.0.0.1:${ports[0]}`
    expect(output).toContain(`Acme IdP                     ${idp}`)
    expect(output).toContain(`Admin console: ${idp}/console`)
    const printed = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('OPENXAA_HOME='))
    expect(printed).toHaveLength(7)
    for (const c of printed) expect(c).toContain(` npm run -s openxaa -- `)

    // The quickstart's commands, for this demo's data folder: the printed ones appear in it verbatim and in order.
    const steps = quickstartCommands().map((step) => ({ ...step, line: step.line.replaceAll('data/demo', dataDir) }))
    const lines = steps.map((step) => step.line)
    const at: number[] = []
    for (const c of printed) {
      at.push(lines.indexOf(c, (at.at(-1) ?? -1) + 1))
      expect(at.at(-1), `printed command in the quickstart: ${c}`).toBeGreaterThanOrEqual(0)
    }

    for (const [i, step] of steps.entries()) {
      const run = step.approveAs ? await deviceLogin(step.line, idp, step.approveAs) : await sh(step.line)
      expect(run.code, `${step.line}\n${run.stderr}`).toBe(step.exit)
      if (i === at[0]) expect(run.stderr).toContain(`open ${idp}/device and enter the code`)
      if (step.approveAs) expect(run.stdout).toMatch(/^Signed in as /)
      if (i === at[1]) expect(JSON.parse(run.stdout)).toMatchObject({ title: 'Hello from the demo' })
      if (i === at[2]) expect(JSON.parse(run.stdout)).toMatchObject({ title: 'Try cross-app access' })
      if (i === at[6]) {
        expect(run.stdout).toBe('')
        expect(run.stderr).toMatch(/refused \(access_denied\): the user is not assigned to this resource/)
      }
      if (step.line.includes(' inspect '))
        expect(run.stdout).toContain(`audience   ${`http://127.0.0.1:${ports[2]}/mcp`}`)
    }
    expect(steps.filter((s) => s.approveAs).map((s) => s.approveAs)).toEqual([...WALKTHROUGH_SIGN_INS])
  }, 90_000)

  test('SIGTERM stops everything: exit code 0, every port free', async () => {
    demo.child.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(demo.output()).toContain('Stopped.')
    // Nothing listens any more. (Not "the port can be bound": on a busy machine another process's outgoing
    // connection may take a just-released port as its local port, which says nothing about the demo.)
    for (const port of ports) expect(await connectOutcome(port)).toBe('ECONNREFUSED')
  })

  test('a second npm start keeps the data (the CLI is still signed in); npm start -- --reset starts over', async () => {
    const cli = (command: string) => sh(`OPENXAA_HOME=${dataDir}/cli npm run -s openxaa -- ${command}`)
    expect(output).toContain('(first start: set up)')
    const again = await npmStart(['--data-dir', dataDir], env)
    started.push(again)
    expect(again.output()).not.toContain('(first start: set up)')
    // bob signed in during the first run: his IdP session (SQLite) survived the restart, policy too.
    const notes = await cli('call notes notes.list')
    expect(notes.code, notes.stderr).toBe(0)
    expect(JSON.parse(notes.stdout)).toEqual([])
    const refused = await cli('call tasks tasks.list')
    expect(refused.code).toBe(3)
    again.child.kill('SIGTERM')
    expect(await again.exit).toBe(0)

    const reset = await npmStart(['--data-dir', dataDir, '--reset'], env)
    started.push(reset)
    expect(reset.output()).toContain("Starting over: deleting the demo's data.")
    expect(reset.output()).toContain('(first start: set up)')
    // The CLI's sign-in went with the data: the same command now asks for a login.
    const after = await cli('call notes notes.list')
    expect(after.code).not.toBe(0)
    expect(after.stderr).toMatch(/login/)
    reset.child.kill('SIGTERM')
    expect(await reset.exit).toBe(0)
    // Nothing listens any more. (Not "the port can be bound": on a busy machine another process's outgoing
    // connection may take a just-released port as its local port, which says nothing about the demo.)
    for (const port of ports) expect(await connectOutcome(port)).toBe('ECONNREFUSED')
  }, 120_000)
})
