// The standard world of the token tests: one AS (SQLite file), the Acme IdP trusted by organization "acme"
// (tenant-pinned, JIT linking), a second IdP trusted only by organization "beta", two confidential clients (one
// bound to acme), and the chat MCP server as the resource.
import type { MintIdJagInput } from '@openxaa/protocol'
import { createAdminService } from '../../src/index.js'
import { type RunningAs, startAs, tempDatabase } from './as.js'
import { startTestIdp, type TestIdp } from './idp.js'

export const RESOURCE = 'https://mcp.chat.example'
export const OTHER_RESOURCE = 'https://mcp.other.example'
export const AGENT = 'agent'
export const AGENT_B = 'agent-b'
export const ACME_AGENT = 'acme-agent'

export interface World {
  as: RunningAs
  idp: TestIdp
  betaIdp: TestIdp
  secrets: Record<string, string>
  trustIds: { acme: string; beta: string }
  db: ReturnType<typeof tempDatabase>
  /** A valid ID-JAG for AGENT at this AS. */
  idJag(input?: Partial<MintIdJagInput>): Promise<string>
  close(): Promise<void>
}

/**
 * Starts the world; `databaseUrl` puts the AS on another database than a temporary SQLite file (the benchmarks run
 * it on PostgreSQL too; the caller owns and drops that database).
 */
export async function startWorld(options: Parameters<typeof startAs>[2] = {}, databaseUrl?: string): Promise<World> {
  const db = tempDatabase()
  const as = await startAs(databaseUrl ?? db.url, db.dir, options)
  const defaults = {
    aud: as.issuer,
    client_id: AGENT,
    resource: RESOURCE,
    scope: 'chat.read chat.history',
    tenant: 'acme',
  }
  const idp = await startTestIdp(defaults)
  const betaIdp = await startTestIdp({ ...defaults, tenant: 'beta' })
  const admin = { type: 'cli' as const, id: 'test' }
  const service = createAdminService(as.server.context)
  await service.createOrganization(admin, { id: 'acme', name: 'Acme' })
  await service.createOrganization(admin, { id: 'beta', name: 'Beta' })
  const acme = await service.createTrust(admin, {
    organizationId: 'acme',
    issuer: idp.issuer,
    tenant: 'acme',
    jwksUri: idp.jwksUri,
    allowedClientIds: [AGENT, AGENT_B, ACME_AGENT],
    linkingMode: 'jit',
  })
  const beta = await service.createTrust(admin, {
    organizationId: 'beta',
    issuer: betaIdp.issuer,
    tenant: 'beta',
    jwksUri: betaIdp.jwksUri,
  })
  await service.setTrustEnabled(admin, acme.id, true)
  await service.setTrustEnabled(admin, beta.id, true)
  const secrets: Record<string, string> = {}
  for (const [clientId, organizationId] of [
    [AGENT, null],
    [AGENT_B, null],
    [ACME_AGENT, 'acme'],
  ] as const) {
    secrets[clientId] = (await service.createClient(admin, { clientId, organizationId })).secret!
  }
  await service.createResource(admin, {
    uri: RESOURCE,
    name: 'Chat',
    scopes: ['chat.read', 'chat.history', 'chat.write'],
  })
  await service.createResource(admin, { uri: OTHER_RESOURCE, scopes: ['other.read'] })
  return {
    as,
    idp,
    betaIdp,
    secrets,
    trustIds: { acme: acme.id, beta: beta.id },
    db,
    idJag: (input = {}) => idp.mint(input),
    async close() {
      await as.close()
      await idp.close()
      await betaIdp.close()
      db.dispose()
    },
  }
}
