/**
 * The end-to-end world on loopback, all in one (pinned) process: the real IdP (test harness, SQLite), the real
 * resource AS (SQLite, trusting the IdP by its jwks_uri, JIT linking) and TEN MCP servers (MCP SDK v2 behind
 * `requireAuth`, each its own port and resource identifier). The ten servers are ten resources of ONE resource AS,
 * registered at the IdP as ten resources of one application, each with its own managed connection. Alice signs in
 * once (real authorization-code flow); `ready` hands her session to the client in the parent process.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'
import { createResourceServer } from '@openxaa/resource-server'
import { type AuthEnv, protectedResourceMetadata, requireAuth } from '@openxaa/resource-server/hono'
import { Hono } from 'hono'
import * as z from 'zod'
import { createAdminService } from '../../packages/auth-server/src/index.js'
import { startAs, tempDatabase } from '../../packages/auth-server/test/support/as.js'
import { signIn, startHarness } from '../../packages/idp/test/support/harness.js'
import { childMain, serveParent } from '../lib/server-process.js'

/** How many MCP servers the world runs. */
export const SERVER_COUNT = 10

/** What the client needs: the IdP and AS registrations, alice's tokens, the MCP server URLs. */
export interface WorldReady {
  idpIssuer: string
  idpClientId: string
  idpClientSecret: string
  asIssuer: string
  asClientId: string
  asClientSecret: string
  idToken: string
  refreshToken?: string
  mcpUrls: string[]
}

// Benchmarks measure throughput: no rate limit.
const NO_LIMITS = { rateLimitPerMinute: false, rateLimitPerClientPerMinute: false } as const

await childMain(async () => {
  const h = await startHarness(NO_LIMITS)
  const db = tempDatabase()
  const as = await startAs(db.url, db.dir, NO_LIMITS)

  // Ten MCP servers: listen first (the resource identifier names the port), then wire each to the AS.
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'bench-echo', version: '1.0.0' })
    server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }))
    return server
  })
  const servers: ReturnType<typeof createServer>[] = []
  const mcpUrls: string[] = []
  for (let i = 0; i < SERVER_COUNT; i++) {
    let handler: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 })
    const server = createServer(getRequestListener((r) => handler(r)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    const resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
    const rs = createResourceServer({
      resource,
      authorizationServers: [as.issuer],
      scopesSupported: ['echo.use'],
      resourceName: `Echo ${i + 1}`,
      verifier: { type: 'jwt', issuer: as.issuer, jwksUri: `${as.issuer}/jwks` },
    })
    const app = new Hono<AuthEnv>()
    app.use(protectedResourceMetadata(rs))
    app.all('/mcp', requireAuth(rs, { toolScopes: { echo: ['echo.use'] } }), (c) =>
      mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }),
    )
    handler = app.fetch
    mcpUrls.push(resource)
  }

  // The resource AS: organization acme trusts the IdP (tenant-pinned), one client, the ten resources.
  const admin = { type: 'cli' as const, id: 'bench' }
  const service = createAdminService(as.server.context)
  await service.createOrganization(admin, { id: 'acme', name: 'Acme' })
  const trust = await service.createTrust(admin, {
    organizationId: 'acme',
    issuer: h.issuer,
    tenant: 'acme',
    jwksUri: `${h.issuer}/jwks`,
    allowedClientIds: ['agent-at-bench'],
    linkingMode: 'jit',
  })
  await service.setTrustEnabled(admin, trust.id, true)
  const asClient = await service.createClient(admin, { clientId: 'agent-at-bench', organizationId: 'acme' })
  for (const uri of mcpUrls) await service.createResource(admin, { uri, scopes: ['echo.use'] })

  // The IdP: the AS as a resource application governing the ten resources, a connection per resource.
  const app = await h.store.idp.applications.create({ name: 'Bench echo', issuer: as.issuer })
  await h.store.idp.applications.setClientId(app.id, 'agent', 'agent-at-bench')
  for (const uri of mcpUrls) {
    await h.store.idp.applications.putResource(app.id, { uri, scopes: ['echo.use'] })
    await h.store.idp.connections.create({
      clientId: 'agent',
      applicationId: app.id,
      resource: uri,
      groups: [h.groups.engineering],
      scopes: ['echo.use'],
      consentGrantedBy: h.users.alice,
    })
  }

  const tokens = await signIn(h, h.clients.agent)
  const ready: WorldReady = {
    idpIssuer: h.issuer,
    idpClientId: h.clients.agent.clientId,
    idpClientSecret: h.clients.agent.secret,
    asIssuer: as.issuer,
    asClientId: 'agent-at-bench',
    asClientSecret: asClient.secret!,
    idToken: tokens.id_token,
    ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
    mcpUrls,
  }
  serveParent({ ...ready }, async () => {
    for (const server of servers) {
      server.closeAllConnections()
      server.close()
    }
    await as.close()
    await h.close()
    db.dispose()
  })
})
