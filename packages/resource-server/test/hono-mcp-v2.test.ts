// The Hono adapter in front of an MCP SDK v2 server (web-standard Streamable HTTP): the user, client and scopes
// reach tool handlers through ctx.http.authInfo and c.var; per-tool scopes are united with the base scopes.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import {
  type AuthProvider,
  Client,
  type FetchLike,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'
import { parseWwwAuthenticate } from '@openxaa/protocol'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type AuthEnv, protectedResourceMetadata, requireAuth } from '../src/hono/index.js'
import { authContextOf, createResourceServer, type ResourceServer } from '../src/index.js'
import { startTestAs, type TestAs } from './support/test-as.js'

let as: TestAs
let http: Server
let resource: string
let rs: ResourceServer
let purged = 0

function buildServer(): McpServer {
  const server = new McpServer({ name: 'hono-v2', version: '1.0.0' })
  server.registerTool('whoami', { description: 'Who is calling' }, async (ctx) => {
    const info = ctx.http?.authInfo
    const auth = authContextOf(info)
    const seen = { clientId: info?.clientId, scopes: info?.scopes, expiresAt: info?.expiresAt, auth }
    return { content: [{ type: 'text', text: JSON.stringify(seen) }] }
  })
  server.registerTool('admin.purge', { description: 'Needs two admin scopes' }, async () => {
    purged++
    return { content: [{ type: 'text', text: 'purged' }] }
  })
  return server
}

beforeAll(async () => {
  as = await startTestAs()
  http = createServer()
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  resource = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
  rs = createResourceServer({
    resource,
    authorizationServers: [as.issuer],
    scopesSupported: ['mcp', 'admin.write', 'audit.write'],
    verifier: { type: 'jwt', issuer: as.issuer, jwksUri: as.jwksUri },
  })
  const mcp = createMcpHandler(buildServer)
  const app = new Hono<AuthEnv>()
  app.use(protectedResourceMetadata(rs))
  const gate = requireAuth(rs, {
    requiredScopes: ['mcp'],
    toolScopes: { 'admin.purge': ['admin.write', 'audit.write'] },
  })
  app.all('/mcp', gate, (c) => mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }))
  app.get('/me', requireAuth(rs), (c) => c.json({ auth: c.var.auth, hasToken: 'token' in c.var.auth }))
  http.on('request', getRequestListener(app.fetch))
})

afterAll(async () => {
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
  await as.close()
})

async function connect(token: string, log: { status: number; challenge: string | null }[] = []) {
  const fetchLog: FetchLike = async (url, init) => {
    const res = await fetch(url, init)
    log.push({ status: res.status, challenge: res.headers.get('www-authenticate') })
    return res
  }
  const authProvider: AuthProvider = { token: async () => token }
  const client = new Client({ name: 't', version: '1' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(resource), {
      authProvider,
      fetch: fetchLog,
      onInsufficientScope: 'throw',
    }),
  )
  return client
}

describe('Hono middleware with @modelcontextprotocol/server 2.x', () => {
  test('tool handlers see the user, the client, the organization and the scopes', async () => {
    const token = await as.mint({ sub: 'u-42', client_id: 'ide-agent', tenant: 'acme', aud: resource, scope: 'mcp' })
    const client = await connect(token)
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    const seen = JSON.parse((result.content as { text: string }[])[0]!.text)
    expect(seen).toMatchObject({
      clientId: 'ide-agent',
      scopes: ['mcp'],
      auth: { subject: 'u-42', clientId: 'ide-agent', organization: 'acme', issuer: as.issuer, scopes: ['mcp'] },
    })
    expect(seen.expiresAt).toBeGreaterThan(Date.now() / 1000)
    await client.close()
  })

  test('c.var.auth is typed and carries no token', async () => {
    const token = await as.mint({ sub: 'u-7', aud: resource, scope: 'mcp' })
    const res = await fetch(resource.replace('/mcp', '/me'), { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json()
    expect(body).toMatchObject({ auth: { subject: 'u-7', clientId: 'agent-client' }, hasToken: false })
    expect(JSON.stringify(body)).not.toContain(token)
  })

  test('a tool needing more: 403 naming the base scope and every tool scope; the tool never runs', async () => {
    const log: { status: number; challenge: string | null }[] = []
    const client = await connect(await as.mint({ aud: resource, scope: 'mcp admin.write' }), log)
    const err = await client.callTool({ name: 'admin.purge', arguments: {} }).catch((e) => e)
    expect(err).toBeInstanceOf(InsufficientScopeError)
    expect(log.at(-1)?.status).toBe(403)
    expect(parseWwwAuthenticate(log.at(-1)?.challenge ?? '')[0]?.params).toEqual({
      error: 'insufficient_scope',
      error_description: 'the access token lacks a scope this request needs',
      resource_metadata: resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'),
      scope: 'mcp admin.write audit.write',
    })
    expect(purged).toBe(0)
    const ok = await connect(await as.mint({ aud: resource, scope: 'mcp admin.write audit.write' }))
    await ok.callTool({ name: 'admin.purge', arguments: {} })
    expect(purged).toBe(1)
    await Promise.all([client.close(), ok.close()])
  })

  test('a token that does not verify: 401 invalid_token whose scope names what the call needs', async () => {
    const forged = `${(await as.mint({ aud: resource, scope: 'mcp admin.write audit.write' })).slice(0, -4)}AAAA`
    const res = await fetch(resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${forged}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'admin.purge' } }),
    })
    expect(res.status).toBe(401)
    expect(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')[0]?.params).toMatchObject({
      error: 'invalid_token',
      scope: 'mcp admin.write audit.write',
    })
    expect(purged).toBe(1)
  })

  test('a batch without a token: 401 whose scope covers every call in it', async () => {
    const call = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } })
    const res = await fetch(resource, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify([call(1, 'whoami'), call(2, 'admin.purge')]),
    })
    expect(res.status).toBe(401)
    expect(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')[0]?.params).toEqual({
      resource_metadata: resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'),
      scope: 'mcp admin.write audit.write',
    })
    expect(purged).toBe(1)
  })
})
