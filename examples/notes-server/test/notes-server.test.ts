// The notes server end to end with the official MCP client (v2): discovery from the 401, tools with per-user data
// that survives a restart, and every refusal with its status and WWW-Authenticate challenge.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getRequestListener } from '@hono/node-server'
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
import { createNotesServer, type NotesServer } from '../src/index.js'

interface Seen {
  method: string
  url: string
  status: number
  challenge: string | null
}

let notesAs: TestAs
let otherAs: TestAs
let http: Server
let notes: NotesServer
let resource: string
let dir: string
const TASKS_RESOURCE = 'http://127.0.0.1:1/mcp'

function start(): NotesServer {
  return createNotesServer({ resource, authorizationServer: notesAs.issuer, dataFile: join(dir, 'notes.sqlite') })
}

beforeAll(async () => {
  notesAs = await startTestAs({ scopes: ['notes.read', 'notes.write'] })
  otherAs = await startTestAs()
  dir = mkdtempSync(join(tmpdir(), 'notes-'))
  let listener: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end()
  http = createServer((req, res) => listener(req, res))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  resource = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
  notes = start()
  listener = getRequestListener((request) => notes.fetch(request))
})

afterAll(async () => {
  await notes.close()
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
  await Promise.all([notesAs.close(), otherAs.close()])
  rmSync(dir, { recursive: true, force: true })
})

function recording(log: Seen[]): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init)
    log.push({
      method: init?.method ?? 'GET',
      url: String(url),
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
    })
    return res
  }
}

async function connect(authProvider: AuthProvider | CrossAppAccessProvider, log: Seen[] = []): Promise<Client> {
  const client = new Client({ name: 'notes-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(resource), {
    authProvider,
    fetch: recording(log),
    onInsufficientScope: 'throw',
  })
  await client.connect(transport)
  return client
}

const bearer = (token: string): AuthProvider => ({ token: async () => token })

function challengeOf(seen: Seen | undefined): Record<string, string> {
  const [challenge, ...rest] = parseWwwAuthenticate(seen?.challenge ?? '')
  expect(rest).toEqual([])
  expect(challenge?.scheme).toBe('bearer')
  return challenge!.params
}

function textOf(result: unknown): unknown {
  const content = (result as { content: { type: string; text: string }[] }).content
  return JSON.parse(content[0]!.text)
}

const prmUrl = () => resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')

describe('discovery from the 401 with the official MCP client', () => {
  test('no token: 401 challenge, then PRM, AS metadata and the jwt-bearer token request, then tools work', async () => {
    notesAs.grants.set('id-jag-alice', { sub: 'alice', tenant: 'acme', scope: 'notes.read notes.write' })
    const contexts: { authorizationServerUrl: string; resourceUrl: string; scope?: string }[] = []
    const provider = new CrossAppAccessProvider({
      assertion: async (ctx) => {
        contexts.push(ctx)
        return 'id-jag-alice'
      },
      clientId: notesAs.client.id,
      clientSecret: notesAs.client.secret,
      expectedIssuer: notesAs.issuer,
    })
    const log: Seen[] = []
    const client = await connect(provider, log)

    expect(log[0]).toMatchObject({ method: 'POST', url: resource, status: 401 })
    expect(challengeOf(log[0])).toEqual({ resource_metadata: prmUrl(), scope: 'notes.read notes.write' })
    const urls = log.map((s) => `${s.status} ${s.url}`)
    expect(urls).toContain(`200 ${prmUrl()}`)
    expect(urls).toContain(`200 ${notesAs.issuer}/.well-known/oauth-authorization-server`)
    expect(urls).toContain(`200 ${notesAs.tokenEndpoint}`)
    expect(notesAs.requests).toEqual(
      expect.arrayContaining(['GET /.well-known/oauth-authorization-server', 'POST /token']),
    )
    expect(contexts[0]).toMatchObject({ authorizationServerUrl: notesAs.issuer, resourceUrl: resource })

    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['notes.create', 'notes.delete', 'notes.list', 'notes.read'])
    const created = textOf(await client.callTool({ name: 'notes.create', arguments: { title: 'T1', body: 'hello' } }))
    expect(created).toMatchObject({ title: 'T1', body: 'hello' })
    await client.close()
  })
})

describe('tools with a valid token', () => {
  test('per-user data: each (organization, subject) sees only its notes, and notes survive a restart', async () => {
    const alice = await notesAs.mint({ sub: 'alice-2', tenant: 'acme', aud: resource, scope: 'notes.read notes.write' })
    const bob = await notesAs.mint({ sub: 'alice-2', tenant: 'globex', aud: resource, scope: 'notes.read notes.write' })
    const a = await connect(bearer(alice))
    const note = textOf(await a.callTool({ name: 'notes.create', arguments: { title: 'plan', body: 'ship it' } }))
    const id = (note as { id: number }).id
    await a.close()

    // Same subject in another organization is another user.
    const b = await connect(bearer(bob))
    expect(textOf(await b.callTool({ name: 'notes.list', arguments: {} }))).toEqual([])
    const denied = await b.callTool({ name: 'notes.read', arguments: { id } })
    expect(denied.isError).toBe(true)
    await b.close()

    // Restart: a new app instance on the same SQLite file.
    await notes.close()
    notes = start()
    const again = await connect(bearer(alice))
    expect(textOf(await again.callTool({ name: 'notes.list', arguments: {} }))).toEqual([
      expect.objectContaining({ id, title: 'plan' }),
    ])
    expect(textOf(await again.callTool({ name: 'notes.read', arguments: { id } }))).toMatchObject({ body: 'ship it' })
    expect(textOf(await again.callTool({ name: 'notes.delete', arguments: { id } }))).toEqual({ deleted: id })
    expect(textOf(await again.callTool({ name: 'notes.list', arguments: {} }))).toEqual([])
    await again.close()
  })
})

describe('refusals seen by the official MCP client', () => {
  const now = () => Math.floor(Date.now() / 1000)
  const refusals = [
    {
      name: 'expired token',
      token: () => notesAs.mint({ aud: resource, scope: 'notes.read' }, { now: now() - 3600, lifetime: 300 }),
      description: 'the access token has expired',
    },
    {
      name: 'token for the other demo server (audience)',
      token: () => notesAs.mint({ aud: TASKS_RESOURCE, scope: 'notes.read' }),
      description: 'the access token is not intended for this resource',
    },
    {
      name: 'token from an untrusted issuer (the tasks authorization server)',
      token: () => otherAs.mint({ aud: resource, scope: 'notes.read' }),
      description: 'the access token signature is invalid',
    },
    {
      name: 'untrusted issuer claim on a token signed with the trusted key',
      token: () => notesAs.mint({ iss: otherAs.issuer, aud: resource, scope: 'notes.read' }),
      description: 'the access token was issued by another server',
    },
  ]
  for (const r of refusals) {
    test(`${r.name}: 401 invalid_token with the full challenge`, async () => {
      const log: Seen[] = []
      await expect(connect(bearer(await r.token()), log)).rejects.toThrow()
      const refused = log.find((s) => s.url === resource)
      expect(refused?.status).toBe(401)
      expect(challengeOf(refused)).toEqual({
        error: 'invalid_token',
        error_description: r.description,
        resource_metadata: prmUrl(),
        scope: 'notes.read notes.write',
      })
    })
  }

  test('a token missing the tool scope: 403 insufficient_scope naming the scope the tool needs', async () => {
    const log: Seen[] = []
    const client = await connect(bearer(await notesAs.mint({ aud: resource, scope: 'notes.read' })), log)
    expect(textOf(await client.callTool({ name: 'notes.list', arguments: {} }))).toEqual([])
    const err = await client.callTool({ name: 'notes.create', arguments: { title: 'x', body: 'y' } }).catch((e) => e)
    expect(err).toBeInstanceOf(InsufficientScopeError)
    expect(err).toMatchObject({ requiredScope: 'notes.write' })
    const refused = log.at(-1)
    expect(refused?.status).toBe(403)
    expect(challengeOf(refused)).toEqual({
      error: 'insufficient_scope',
      error_description: 'the access token lacks a scope this request needs',
      resource_metadata: prmUrl(),
      scope: 'notes.write',
    })
    await client.close()
  })
})

describe('protected resource metadata', () => {
  test('served at the path-inserted and root well-known URIs, resource equal to the identifier', async () => {
    for (const url of [prmUrl(), resource.replace('/mcp', '/.well-known/oauth-protected-resource')]) {
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        resource,
        authorization_servers: [notesAs.issuer],
        scopes_supported: ['notes.read', 'notes.write'],
        bearer_methods_supported: ['header'],
        resource_name: 'OpenXAA Notes',
      })
    }
  })
})
