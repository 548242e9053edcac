// The demo as a user runs it: the real `npm start` (in a temp data folder, on free ports), then every `openxaa`
// command exactly as the demo printed it, through a shell from the repository root: a device sign-in approved through
// the IdP's own pages, tools on both MCP servers, and a call refused by policy with its exit code. Then SIGTERM: the
// demo exits 0 and every port is free again.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { READY_LINE, userNamed, WALKTHROUGH_SIGN_INS } from '../src/index.js'
import { approveDeviceCode } from './support/browser.js'

const root = join(import.meta.dirname, '../../..')

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
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

describe('npm start, driven as a user would', () => {
  let demo: ChildProcess
  let output = ''
  let exit: Promise<number | null>
  let ports: number[]
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-npm-start-'))

  beforeAll(async () => {
    ports = []
    for (let i = 0; i < 5; i++) ports.push(await freePort())
    const [idp, notesAs, notesMcp, tasksAs, tasksMcp] = ports.map(String)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OPENXAA_DEMO_IDP_PORT: idp,
      OPENXAA_DEMO_NOTES_AS_PORT: notesAs,
      OPENXAA_DEMO_NOTES_MCP_PORT: notesMcp,
      OPENXAA_DEMO_TASKS_AS_PORT: tasksAs,
      OPENXAA_DEMO_TASKS_MCP_PORT: tasksMcp,
    }
    delete env.OPENXAA_DATABASE_URL
    demo = spawn('npm', ['start', '--', '--data-dir', dataDir], { cwd: root, env })
    exit = new Promise((resolve) => demo.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line within 45 s:\n${output}`)), 45_000)
      const seen = (d: Buffer) => {
        output += d
        if (output.includes(READY_LINE)) {
          clearTimeout(timer)
          resolve()
        }
      }
      demo.stdout!.on('data', seen)
      demo.stderr!.on('data', (d: Buffer) => {
        output += d
      })
      void exit.then((code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)))
    })
  }, 60_000)

  afterAll(() => {
    if (demo.exitCode === null) demo.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the printed commands sign in once, reach both servers, and show a refusal by policy', async () => {
    const idp = `http://127.0.0.1:${ports[0]}`
    expect(output).toContain(`Acme IdP                     ${idp}`)
    expect(output).toContain(`Admin console: ${idp}/console`)
    const commands = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('OPENXAA_HOME='))
    expect(commands).toHaveLength(7)
    const [signIn, createNote, addTask, listNotes, listTasks, signInAgain, refused] = commands as [string, ...string[]]
    for (const c of commands) expect(c).toContain(' npm run -s openxaa -- ')

    const login = await deviceLogin(signIn, idp, WALKTHROUGH_SIGN_INS[0])
    expect(login.stderr).toContain(`open ${idp}/device and enter the code`)
    expect(login).toMatchObject({ code: 0 })
    expect(login.stdout).toMatch(/^Signed in as /)

    const note = await sh(createNote!)
    expect(note).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(note.stdout)).toMatchObject({ id: 1, title: 'Hello from the demo' })
    const task = await sh(addTask!)
    expect(task).toMatchObject({ code: 0 })
    expect(JSON.parse(task.stdout)).toMatchObject({ id: 1, title: 'Try cross-app access', done: false })
    expect(JSON.parse((await sh(listNotes!)).stdout)).toEqual([
      expect.objectContaining({ title: 'Hello from the demo' }),
    ])
    expect(JSON.parse((await sh(listTasks!)).stdout)).toEqual([
      expect.objectContaining({ title: 'Try cross-app access' }),
    ])

    expect(signInAgain).toBe(signIn)
    const bob = await deviceLogin(signInAgain!, idp, WALKTHROUGH_SIGN_INS[1])
    expect(bob).toMatchObject({ code: 0 })
    const denied = await sh(refused!)
    expect(denied.code).toBe(3)
    expect(denied.stdout).toBe('')
    expect(denied.stderr).toMatch(/refused \(access_denied\): the user is not assigned to this resource/)
  }, 60_000)

  test('SIGTERM stops everything: exit code 0, every port free', async () => {
    demo.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(output).toContain('Stopped.')
    for (const port of ports) expect(await portIsFree(port)).toBe(true)
  })
})
