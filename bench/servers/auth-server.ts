/**
 * The resource authorization server under load: the auth-server test world (organization acme trusting a loopback
 * ID-JAG issuer by its jwks_uri, JIT linking, the chat MCP resource, client `agent`) on SQLite or on the PostgreSQL
 * database named by `--database-url`, with the per-address rate limit off (the load comes from one address).
 * `ready` carries the issuer's private JWK so the load generator can pre-mint single-use ID-JAGs itself.
 */
import { parseArgs } from 'node:util'
import { exportJWK } from 'jose'
import { AGENT, RESOURCE, startWorld } from '../../packages/auth-server/test/support/world.js'
import { childMain, serveParent } from '../lib/server-process.js'

/** What the load generator needs to mint and redeem ID-JAGs. */
export interface AuthServerReady {
  port: number
  tokenPath: string
  issuer: string
  idpIssuer: string
  idpKid: string
  /** The test issuer's private key: a throw-away key of this run, handed over so minting happens off the server. */
  idpPrivateJwk: Record<string, unknown>
  clientId: string
  clientSecret: string
  resource: string
  tenant: string
  scope: string
}

await childMain(async () => {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } })
  const w = await startWorld({ rateLimitPerMinute: false, rateLimitPerClientPerMinute: false }, values['database-url'])
  const ready: AuthServerReady = {
    port: Number(new URL(w.as.tokenUrl).port),
    tokenPath: '/token',
    issuer: w.as.issuer,
    idpIssuer: w.idp.issuer,
    idpKid: w.idp.key.kid,
    idpPrivateJwk: { ...(await exportJWK(w.idp.key.privateKey)) },
    clientId: AGENT,
    clientSecret: w.secrets[AGENT]!,
    resource: RESOURCE,
    tenant: 'acme',
    scope: 'chat.read chat.history',
  }
  serveParent({ ...ready }, () => w.close(), {
    // How often the ID-JAG issuer's endpoints were fetched (its JWKS should be fetched once, then cached).
    'issuer-hits': async () => ({ hits: Object.fromEntries(w.idp.hits) }),
  })
})
