// The task tracker run as its own process (src/main.ts), driven by the official MCP client (v2): discovery from
// the 401, per-user tasks that survive a process restart, and the refusals with their challenges.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AuthProvider,
  Client,
  CrossAppAccessProvider,
  type FetchLike,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { parseWwwAuthenticate } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestAs, type TestAs } from '../../../packages/resource-server/test/support/test-as.js'
import { freePort } from '../../../test/support/child-process.js'

interface Seen {
  url: string
  status: number
  challenge: string | null
}

const MAIN = join(import.meta.dirname, '../src/main.ts')
let tasksAs: TestAs
let notesAs: TestAs
let dir: string
let port: number
let resource: string
let child: ChildProcess | undefined

async function startProcess(): Promise<void> {
  const args = [
    '--conditions=openxaa-source',
    '--import',
    'tsx',
    MAIN,
    '--port',
    String(port),
    '--issuer',
    tasksAs.issuer,
  ]
  child = spawn(process.execPath, [...args, '--data', join(dir, 'tasks.sqlite')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  await new Promise<void>((resolve, reject) => {
    child!.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('MCP at')) resolve()
    })
    child!.once('exit', (code) => reject(new Error(`tasks-server exited with ${code}: ${stderr}`)))
  })
}

async function stopProcess(): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child!.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

beforeAll(async () => {
  tasksAs = await startTestAs({ scopes: ['tasks.read', 'tasks.write'] })
  notesAs = await startTestAs()
  dir = mkdtempSync(join(tmpdir(), 'tasks-'))
  port = await freePort()
  resource = `http://127.0.0.1:${port}/mcp`
  await startProcess()
})

afterAll(async () => {
  await stopProcess()
  await Promise.all([tasksAs.close(), notesAs.close()])
  rmSync(dir, { recursive: true, force: true })
})

function recording(log: Seen[]): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init)
    log.push({ url: String(url), status: res.status, challenge: res.headers.get('www-authenticate') })
    return res
  }
}

async function connect(authProvider: AuthProvider | CrossAppAccessProvider, log: Seen[] = []): Promise<Client> {
  const client = new Client({ name: 'tasks-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(resource), {
    authProvider,
    fetch: recording(log),
    onInsufficientScope: 'throw',
  })
  await client.connect(transport)
  return client
}

const bearer = (token: string): AuthProvider => ({ token: async () => token })
const textOf = (result: unknown) => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)
const prmUrl = () => `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`

function challengeOf(seen: Seen | undefined): Record<string, string> {
  const challenges = parseWwwAuthenticate(seen?.challenge ?? '')
  expect(challenges).toHaveLength(1)
  expect(challenges[0]!.scheme).toBe('bearer')
  return challenges[0]!.params
}

describe('tasks server process', () => {
  test('discovery from the 401 reaches the AS metadata and its token endpoint; tools list and run', async () => {
    tasksAs.grants.set('id-jag-carol', { sub: 'carol', tenant: 'acme', scope: 'tasks.read tasks.write' })
    const provider = new CrossAppAccessProvider({
      assertion: async () => 'id-jag-carol',
      clientId: tasksAs.client.id,
      clientSecret: tasksAs.client.secret,
      expectedIssuer: tasksAs.issuer,
    })
    const log: Seen[] = []
    const client = await connect(provider, log)
    expect(log[0]).toMatchObject({ url: resource, status: 401 })
    expect(challengeOf(log[0])).toEqual({ resource_metadata: prmUrl(), scope: 'tasks.read tasks.write' })
    expect(log.map((s) => s.url)).toEqual(
      expect.arrayContaining([
        prmUrl(),
        `${tasksAs.issuer}/.well-known/oauth-authorization-server`,
        tasksAs.tokenEndpoint,
      ]),
    )
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['tasks.add', 'tasks.complete', 'tasks.list'])
    await client.close()
  })

  test('per-user tasks persist across a process restart', async () => {
    const token = await tasksAs.mint({ sub: 'dave', tenant: 'acme', aud: resource, scope: 'tasks.read tasks.write' })
    const client = await connect(bearer(token))
    const first = textOf(await client.callTool({ name: 'tasks.add', arguments: { title: 'write tests' } }))
    const second = textOf(await client.callTool({ name: 'tasks.add', arguments: { title: 'ship' } }))
    expect(textOf(await client.callTool({ name: 'tasks.complete', arguments: { id: first.id } }))).toMatchObject({
      id: first.id,
      done: true,
    })
    await client.close()

    await stopProcess()
    await startProcess()

    const again = await connect(bearer(token))
    const tasks = textOf(await again.callTool({ name: 'tasks.list', arguments: {} }))
    expect(tasks.map((t: { id: number; done: boolean }) => [t.id, t.done])).toEqual([
      [second.id, false],
      [first.id, true],
    ])
    await again.close()

    const other = await tasksAs.mint({ sub: 'dave', tenant: 'globex', aud: resource, scope: 'tasks.read tasks.write' })
    const stranger = await connect(bearer(other))
    expect(textOf(await stranger.callTool({ name: 'tasks.list', arguments: {} }))).toEqual([])
    expect((await stranger.callTool({ name: 'tasks.complete', arguments: { id: second.id } })).isError).toBe(true)
    await stranger.close()
  })

  test('a token the notes authorization server issued for the notes server is refused: 401 invalid_token', async () => {
    const log: Seen[] = []
    const token = await notesAs.mint({ aud: 'http://127.0.0.1:1/mcp', scope: 'notes.read' })
    await expect(connect(bearer(token), log)).rejects.toThrow()
    expect(log.at(-1)?.status).toBe(401)
    expect(challengeOf(log.at(-1))).toEqual({
      error: 'invalid_token',
      error_description: 'the access token signature is invalid',
      resource_metadata: prmUrl(),
      scope: 'tasks.read tasks.write',
    })
  })

  test('tasks.read only: listing works, tasks.add is refused with 403 naming tasks.write', async () => {
    const log: Seen[] = []
    const client = await connect(bearer(await tasksAs.mint({ aud: resource, scope: 'tasks.read' })), log)
    expect(textOf(await client.callTool({ name: 'tasks.list', arguments: {} }))).toEqual([])
    const err = await client.callTool({ name: 'tasks.add', arguments: { title: 'nope' } }).catch((e) => e)
    expect(err).toBeInstanceOf(InsufficientScopeError)
    expect(log.at(-1)?.status).toBe(403)
    expect(challengeOf(log.at(-1))).toEqual({
      error: 'insufficient_scope',
      error_description: 'the access token lacks a scope this request needs',
      resource_metadata: prmUrl(),
      scope: 'tasks.write',
    })
    await client.close()
  })
})
