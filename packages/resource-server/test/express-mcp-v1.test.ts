// The Express/Node adapter in front of an MCP SDK 1.x server (StreamableHTTPServerTransport), called with the v1
// client: req.auth reaches tool handlers as extra.authInfo; refusals are the same challenges as on Hono.
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { parseWwwAuthenticate } from '@openxaa/protocol'
import express from 'express'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { authContextOf, createResourceServer, type McpAuthInfo, type ResourceServer } from '../src/index.js'
import { type NodeAuthRequest, protectedResourceMetadata, requireAuth } from '../src/node/index.js'
import { startTestAs, type TestAs } from './support/test-as.js'

let as: TestAs
let http: Server
let resource: string
let rs: ResourceServer
let writes = 0

function buildServer(): McpServer {
  const server = new McpServer({ name: 'express-v1', version: '1.0.0' })
  server.registerTool('whoami', { description: 'Who is calling' }, async (extra) => {
    const info = extra.authInfo as McpAuthInfo | undefined
    const seen = { clientId: info?.clientId, scopes: info?.scopes, auth: authContextOf(info) }
    return { content: [{ type: 'text', text: JSON.stringify(seen) }] }
  })
  server.registerTool('notes.write', { description: 'Needs notes.write' }, async () => {
    writes++
    return { content: [{ type: 'text', text: 'written' }] }
  })
  return server
}

beforeAll(async () => {
  as = await startTestAs()
  const app = express()
  http = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => http.once('listening', resolve))
  resource = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
  rs = createResourceServer({
    resource,
    authorizationServers: [as.issuer],
    scopesSupported: ['notes.read', 'notes.write'],
    verifier: { type: 'jwt', issuer: as.issuer, jwksUri: as.jwksUri },
  })
  app.use(protectedResourceMetadata(rs))
  const gate = requireAuth(rs, { requiredScopes: ['notes.read'], toolScopes: { 'notes.write': ['notes.write'] } })
  app.post('/mcp', express.json(), gate, async (req: NodeAuthRequest & express.Request, res: express.Response) => {
    const server = buildServer()
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, req.body)
  })
  // Stateless server: no SSE stream to open, no session to delete.
  app.all('/mcp', (_req, res) => {
    res.status(405).set('Allow', 'POST').end()
  })
})

afterAll(async () => {
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
  await as.close()
})

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'v1-client', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(resource), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  })
  await client.connect(transport)
  return client
}

function post(body: unknown, headers: Record<string, string> = {}, path = '/mcp') {
  return fetch(resource.replace('/mcp', path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

const PRM = () => resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')
const callTool = (name: string) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } })

describe('Express middleware with @modelcontextprotocol/sdk 1.x', () => {
  test('req.auth reaches tool handlers as extra.authInfo (v1 client)', async () => {
    const token = await as.mint({ sub: 'u-1', client_id: 'cli', tenant: 'acme', aud: resource, scope: 'notes.read' })
    const client = await connect(token)
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    const seen = JSON.parse((result.content as { text: string }[])[0]!.text)
    expect(seen).toMatchObject({
      clientId: 'cli',
      scopes: ['notes.read'],
      auth: { subject: 'u-1', organization: 'acme', clientId: 'cli', issuer: as.issuer },
    })
    await client.close()
  })

  test('the v1 client without a token is refused; the 401 challenge points at the PRM served by Express', async () => {
    await expect(connect('')).rejects.toThrow()
    const res = await post(callTool('whoami'))
    expect(res.status).toBe(401)
    expect(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')[0]?.params).toEqual({
      resource_metadata: PRM(),
      scope: 'notes.read',
    })
    for (const url of [PRM(), resource.replace('/mcp', '/.well-known/oauth-protected-resource')]) {
      expect(await (await fetch(url)).json()).toMatchObject({ resource, authorization_servers: [as.issuer] })
    }
  })

  test('a tool needing notes.write with a notes.read token: 403, handler never runs', async () => {
    const token = await as.mint({ aud: resource, scope: 'notes.read' })
    const res = await post(callTool('notes.write'), { authorization: `Bearer ${token}` })
    expect(res.status).toBe(403)
    expect(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')[0]?.params).toEqual({
      error: 'insufficient_scope',
      error_description: 'the access token lacks a scope this request needs',
      resource_metadata: PRM(),
      scope: 'notes.read notes.write',
    })
    expect(writes).toBe(0)
  })

  test('expired and wrong-audience tokens: 401 invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = await as.mint({ aud: resource, scope: 'notes.read' }, { now: now - 3600 })
    const other = await as.mint({ aud: 'http://127.0.0.1:1/mcp', scope: 'notes.read' })
    for (const [token, description] of [
      [expired, 'the access token has expired'],
      [other, 'the access token is not intended for this resource'],
    ] as const) {
      const res = await post(callTool('whoami'), { authorization: `Bearer ${token}` })
      expect(res.status).toBe(401)
      expect(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')[0]?.params).toEqual({
        error: 'invalid_token',
        error_description: description,
        resource_metadata: PRM(),
        scope: 'notes.read',
      })
    }
  })

  test('a token in the query string or in a form body: 400 invalid_request', async () => {
    const token = await as.mint({ aud: resource, scope: 'notes.read' })
    const query = await post(callTool('whoami'), {}, `/mcp?access_token=${token}`)
    expect(query.status).toBe(400)
    expect(await query.json()).toMatchObject({ error: 'invalid_request' })
    const form = await post(`access_token=${token}`, { 'content-type': 'application/x-www-form-urlencoded' })
    expect(form.status).toBe(400)
    expect(parseWwwAuthenticate(form.headers.get('www-authenticate') ?? '')[0]?.params.error).toBe('invalid_request')
  })

  test('two Authorization headers (node:http keeps only the first in req.headers): 400 invalid_request', async () => {
    const token = await as.mint({ aud: resource, scope: 'notes.read' })
    const url = new URL(resource)
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/mcp',
          method: 'POST',
          headers: [
            'content-type',
            'application/json',
            'authorization',
            `Bearer ${token}`,
            'authorization',
            'Bearer x',
          ],
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify(callTool('whoami')))
    })
    expect(status).toBe(400)
  })
})
