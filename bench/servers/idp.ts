/**
 * The enterprise IdP under load: the test harness's IdP (seeded organization, real sign-in) on SQLite or on the
 * PostgreSQL database named by `--database-url`. Before announcing `ready` it signs alice in through the real
 * authorization-code flow, so the load generator can exchange her ID token for ID-JAGs (each exchange verifies the
 * ID token, applies policy, mints and audits a new ID-JAG).
 */
import { parseArgs } from 'node:util'
import { CHAT_ISSUER, CHAT_MCP, signIn, startHarness } from '../../packages/idp/test/support/harness.js'
import { childMain, serveParent } from '../lib/server-process.js'

const NO_LIMITS = { rateLimitPerMinute: false, rateLimitPerClientPerMinute: false } as const

/** What the load generator needs to send token exchanges. */
export interface IdpReady {
  port: number
  tokenPath: string
  clientId: string
  clientSecret: string
  idToken: string
  audience: string
  resource: string
  scope: string
}

await childMain(async () => {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } })
  const databaseUrl = values['database-url']
  // Benchmarks measure throughput: no rate limit.
  const h = await startHarness(NO_LIMITS, databaseUrl === undefined ? {} : { databaseUrl })
  const tokens = await signIn(h, h.clients.agent)
  const ready: IdpReady = {
    port: Number(new URL(h.issuer).port),
    tokenPath: '/token',
    clientId: h.clients.agent.clientId,
    clientSecret: h.clients.agent.secret,
    idToken: tokens.id_token,
    audience: CHAT_ISSUER,
    resource: CHAT_MCP,
    scope: 'chat.read',
  }
  serveParent({ ...ready }, () => h.close())
})
