/**
 * The MCP server leg: the same MCP SDK v2 server (Streamable HTTP, stateless, on Hono) served twice, once bare (a
 * fixed AuthInfo is handed to the tool) and once behind `requireAuth` (RFC 9068 JWT, ES256, per-tool scopes), so
 * the difference is the access-token verification and nothing else. Absorbs the former bench/mcp-middleware.ts.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'
import { mintAccessToken } from '@openxaa/protocol'
import { createResourceServer } from '@openxaa/resource-server'
import { type AuthEnv, requireAuth } from '@openxaa/resource-server/hono'
import { Hono } from 'hono'
import { exportJWK, generateKeyPair } from 'jose'
import { childMain, serveParent } from '../lib/server-process.js'

/** Ports of the two servers and the access token the guarded one accepts. */
export interface McpReady {
  barePort: number
  guardedPort: number
  token: string
}

await childMain(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }
  const issuer = 'https://as.bench.example'
  const servers: ReturnType<typeof createServer>[] = []
  const listen = async (handler: Parameters<typeof getRequestListener>[0]) => {
    const server = createServer(getRequestListener(handler))
    server.keepAliveTimeout = 60_000
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }
  // The same server code for both: a tool that reads who is calling and answers.
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'bench', version: '1.0.0' })
    server.registerTool('notes.list', { description: 'List notes' }, async (ctx) => ({
      content: [{ type: 'text', text: JSON.stringify({ owner: ctx.http?.authInfo?.extra?.subject, notes: [] }) }],
    }))
    return server
  })

  const bareApp = new Hono()
  const fixed = { token: 'none', clientId: 'bench', scopes: ['notes.read'], extra: { subject: 'alice' } }
  bareApp.all('/mcp', (c) => mcp.fetch(c.req.raw, { authInfo: fixed }))
  const barePort = await listen(bareApp.fetch)

  // The resource identifier names the port: listen first, then build the guarded app.
  let guardedFetch: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 })
  const guardedPort = await listen((r) => guardedFetch(r))
  const resource = `http://127.0.0.1:${guardedPort}/mcp`
  const rs = createResourceServer({
    resource,
    authorizationServers: [issuer],
    scopesSupported: ['notes.read', 'notes.write'],
    verifier: { type: 'jwt', issuer, keys: { keys: [jwk] } },
  })
  const app = new Hono<AuthEnv>()
  app.all('/mcp', requireAuth(rs, { toolScopes: { 'notes.list': ['notes.read'] } }), (c) =>
    mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }),
  )
  guardedFetch = app.fetch

  const token = await mintAccessToken(
    { iss: issuer, sub: 'alice', aud: resource, client_id: 'bench-client', scope: 'notes.read', tenant: 'acme' },
    { kid: 'bench', alg: 'ES256', privateKey },
    { lifetime: 3600 },
  )
  const ready: McpReady = { barePort, guardedPort, token }
  serveParent({ ...ready }, async () => {
    for (const server of servers) {
      server.closeAllConnections()
      server.close()
    }
  })
})
