// Issue 5's first "done when" with the real IdP of this project (issue 4), not a test issuer: alice signs in through
// the IdP's sign-in form, the IdP mints an ID-JAG by token exchange, and a resource AS on its own loopback port and
// database redeems it for an access token that verifies against the AS's JWKS. Also, with genuine tokens of that IdP:
// its ID token is refused as an assertion (2(d).2 [#15]), and ID-JAGs signed before and after a key rotation both
// redeem: the IdP publishes the new key 60 s before it signs, so an AS that fetched the key set just before the
// rotation may refetch it (30 s cooldown) by the time the new key's first ID-JAG arrives. The emergency rotation
// (0, 0) shows the window it accepts.
import { operations } from '@openxaa/idp'
import { createJwksCache, GRANT_TYPE_JWT_BEARER, verifyAccessToken } from '@openxaa/protocol'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAdminService } from '../packages/auth-server/src/index.js'
import {
  auditOf,
  postForm,
  type RunningAs,
  readJson,
  startAs,
  tempDatabase,
} from '../packages/auth-server/test/support/as.js'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  type Harness,
  signIn,
  startHarness,
  TENANT,
} from '../packages/idp/test/support/harness.js'

/** The agent's client_id at the chat vendor's AS, as the IdP harness maps it. */
const RAS_CLIENT_ID = 'f53f191f9311af35'

describe('an ID-JAG of the real IdP redeemed at the resource AS', () => {
  let h: Harness
  let as: RunningAs
  let asOrigin: string
  let secret: string
  const db = tempDatabase()

  beforeAll(async () => {
    h = await startHarness()
    // The AS is the chat vendor's: its issuer is the audience the IdP knows; it listens on loopback.
    as = await startAs(db.url, db.dir, { issuer: CHAT_ISSUER })
    asOrigin = new URL(as.tokenUrl).origin
    const admin = { type: 'cli' as const, id: 'test' }
    const service = createAdminService(as.server.context)
    await service.createOrganization(admin, { id: 'acme', name: 'Acme' })
    const trust = await service.createTrust(admin, {
      organizationId: 'acme',
      issuer: h.issuer,
      tenant: TENANT,
      jwksUri: `${h.issuer}/jwks`,
      allowedClientIds: [RAS_CLIENT_ID],
      linkingMode: 'jit',
    })
    await service.setTrustEnabled(admin, trust.id, true)
    secret = (await service.createClient(admin, { clientId: RAS_CLIENT_ID, organizationId: 'acme' })).secret!
    await service.createResource(admin, { uri: CHAT_MCP, scopes: ['chat.read', 'chat.history', 'chat.write'] })
  })
  afterAll(async () => {
    await as?.close()
    await h?.close()
    db.dispose()
  })

  const redeem = (assertion: string) =>
    postForm(
      as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion, resource: CHAT_MCP },
      { basic: [RAS_CLIENT_ID, secret] },
    )

  async function idJag(idToken: string): Promise<string> {
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: idToken },
      { client: h.clients.agent },
    )
    expect(res.status).toBe(200)
    return String(res.body.access_token)
  }

  test('the access token carries the right claims and verifies against the AS JWKS; the audit names everyone', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const assertion = await idJag(tokens.id_token)
    const res = await redeem(assertion)
    expect(res.status).toBe(200)
    const body = await readJson(res)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'chat.read chat.history' })
    expect(body).not.toHaveProperty('refresh_token')

    const { claims, header } = await verifyAccessToken(body.access_token, {
      issuer: CHAT_ISSUER,
      audience: CHAT_MCP,
      keys: createJwksCache({ uri: `${asOrigin}/jwks` }),
    })
    expect(header.typ).toBe('at+jwt')
    expect(claims).toMatchObject({
      iss: CHAT_ISSUER,
      aud: CHAT_MCP,
      client_id: RAS_CLIENT_ID,
      scope: 'chat.read chat.history',
      tenant: TENANT,
    })
    expect(claims.sub).toMatch(/^acct_/)
    expect(claims.exp - claims.iat).toBe(300)

    const [event] = await auditOf(as.store, res)
    expect(event).toMatchObject({
      action: 'id_jag.redeem',
      decision: 'allow',
      organization: 'acme',
      issuer: h.issuer,
      clientId: RAS_CLIENT_ID,
      subject: h.users.alice,
      resource: CHAT_MCP,
    })
    // Single use (decision 1): the same genuine ID-JAG a second time is a replay.
    const again = await redeem(assertion)
    expect(again.status).toBe(400)
    expect((await auditOf(as.store, again))[0]).toMatchObject({ decision: 'deny', reason: 'ERR_ID_JAG_REPLAY' })
  })

  test('2(d).2 [#15] a genuine ID token of that IdP is not an ID-JAG: invalid_grant, audited ERR_ID_JAG_TYP', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const res = await redeem(tokens.id_token)
    expect(res.status).toBe(400)
    expect(await readJson(res)).toMatchObject({ error: 'invalid_grant' })
    expect(res.headers.get('cache-control')).toBe('no-store')
    const [event] = await auditOf(as.store, res)
    expect(event).toMatchObject({ decision: 'deny', reason: 'ERR_ID_JAG_TYP', clientId: RAS_CLIENT_ID })
    expect(JSON.stringify(event)).not.toContain(tokens.id_token)
  })

  test('after an IdP key rotation (default timing): an AS that fetched the key set just before accepts the new key at once', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const before = await idJag(tokens.id_token)
    // The AS fetches the IdP's key set now (an earlier redemption), as a busy AS always has: the worst moment for a
    // rotation, since an unknown kid refetches the key set at most once per 30 s.
    expect((await redeem(await idJag(tokens.id_token))).status).toBe(200)
    const rotated = await operations.rotateKeys(h.admin)
    expect(rotated.status).toBe('next')
    // Published at once, signing only from its activation time, 60 s on: until then the IdP signs with the old key.
    const during = await idJag(tokens.id_token)
    expect(decodeProtectedHeader(during).kid).toBe(decodeProtectedHeader(before).kid)
    expect((await redeem(during)).status).toBe(200)
    // Both clocks reach the activation time: the IdP signs with the new key, and the AS, whose last fetch is now more
    // than its 30 s cooldown ago, fetches the key set on the unknown kid and finds the key published a minute ago.
    const step = rotated.activateAt - h.clock.now
    expect(step).toBeGreaterThan(30_000)
    h.clock.advance(step / 1000)
    as.clock.offsetMs += step
    const after = await idJag(tokens.id_token)
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid)
    const res = await redeem(after)
    expect(res.status).toBe(200)
    expect((await auditOf(as.store, res))[0]).toMatchObject({ decision: 'allow' })
    // Signed before the rotation: the old key is still published, and still cached.
    expect((await redeem(before)).status).toBe(200)
  })

  test('an emergency rotation (0, 0) switches at once: verifiers within their cooldown refuse new tokens until it passes', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const stale = [await idJag(tokens.id_token), await idJag(tokens.id_token)]
    // The AS holds the key set (fetched by the redemptions of the test before, less than 30 s ago by its clock).
    expect((await redeem(await idJag(tokens.id_token))).status).toBe(200)
    const rotated = await operations.rotateKeys(h.admin, { activateAfterSeconds: 0, retireAfterSeconds: 0 })
    expect(rotated.status).toBe('current')
    const published = (await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(published.keys.map((k) => k.kid)).toEqual([rotated.kid])
    const after = await idJag(tokens.id_token)
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid)
    // The price of the emergency: the AS may not refetch yet, so it refuses the new key's ID-JAGs...
    const early = await redeem(after)
    expect(early.status).toBe(400)
    expect((await auditOf(as.store, early))[0]).toMatchObject({ reason: 'ERR_ID_JAG_KEY_NOT_FOUND' })
    // ...and, until it refetches, still honours the dropped key it has cached.
    expect((await redeem(stale[0]!)).status).toBe(200)
    // Past the cooldown, the new key is fetched and accepted, and the dropped key is gone.
    as.clock.offsetMs += 31_000
    expect((await redeem(await idJag(tokens.id_token))).status).toBe(200)
    const dropped = await redeem(stale[1]!)
    expect(dropped.status).toBe(400)
    expect((await auditOf(as.store, dropped))[0]).toMatchObject({ reason: 'ERR_ID_JAG_KEY_NOT_FOUND' })
  })
})
