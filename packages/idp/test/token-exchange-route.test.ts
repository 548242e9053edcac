// The token-exchange route in front of oidc-provider (routes/token-exchange.ts) and the cached key set it checks
// ID tokens with (token-exchange/id-token-keys.ts): same answers as oidc-provider's path, and no stale keys.
import { TOKEN_TYPE_REFRESH_TOKEN } from '@openxaa/protocol'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import { IdTokenKeys } from '../src/token-exchange/id-token-keys.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, signIn, startHarness } from './support/harness.js'

describe('token exchange route and its key cache', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())
  const chat = (subject_token: string) => ({ audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token })

  async function lastIssue() {
    return (await h.store.audit.query({ action: 'id_jag.issue', limit: 1 })).events[0]
  }

  test('the route (ID token) and oidc-provider (refresh token) give the same kind of answer', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const direct = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    const viaProvider = await exchange(
      h,
      { ...chat(tokens.refresh_token!), subject_token_type: TOKEN_TYPE_REFRESH_TOKEN },
      { client: h.clients.agent },
    )
    for (const res of [direct, viaProvider]) {
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    }
    expect({ ...direct.body, access_token: '' }).toEqual({ ...viaProvider.body, access_token: '' })
    expect((await lastIssue())?.decision).toBe('allow')
  })

  test('every audit event of an exchange carries its request id, on the route and through oidc-provider', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const byId = async (requestId: string) => (await h.store.audit.query({ requestId })).events
    const allowed = await exchange(
      h,
      chat(tokens.id_token),
      { client: h.clients.agent },
      { 'x-request-id': 'req-route-1' },
    )
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('x-request-id')).toBe('req-route-1')
    expect((await byId('req-route-1')).map((e) => e.decision)).toEqual(['allow'])
    const refused = await exchange(
      h,
      { ...chat(tokens.id_token), audience: 'https://unknown.example' },
      { client: h.clients.agent },
      { 'x-request-id': 'req-route-2' },
    )
    expect(refused.status).toBe(400)
    expect((await byId('req-route-2')).map((e) => e.decision)).toEqual(['deny'])
    // Through oidc-provider: a refresh token as the subject, and a client oidc-provider refuses.
    const viaProvider = await exchange(
      h,
      { ...chat(tokens.refresh_token!), subject_token_type: TOKEN_TYPE_REFRESH_TOKEN },
      { client: h.clients.agent },
      { 'x-request-id': 'req-provider-1' },
    )
    expect(viaProvider.status).toBe(200)
    expect(viaProvider.headers.get('x-request-id')).toBe('req-provider-1')
    expect((await byId('req-provider-1')).map((e) => e.decision)).toEqual(['allow'])
    const wrong = await exchange(
      h,
      chat(tokens.id_token),
      { client: { ...h.clients.agent, secret: 'wrong' } },
      { 'x-request-id': 'req-provider-2' },
    )
    expect(wrong.status).toBe(401)
    expect(await byId('req-provider-2')).toMatchObject([{ decision: 'deny', reason: 'ERR_CLIENT_AUTH_FAILED' }])
  })

  test('a browser request (Origin) still gets the CORS answer of oidc-provider after the route read its body', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const res = await exchange(h, chat(tokens.id_token), { client: h.clients.agent }, { origin: 'https://x.example' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: 'invalid_request' })
  })

  test('client authentication that does not verify falls through: oidc-provider refuses and it is audited', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const wrong = await exchange(h, chat(tokens.id_token), { client: { ...h.clients.agent, secret: 'wrong' } })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error).toBe('invalid_client')
    expect(await lastIssue()).toMatchObject({ decision: 'deny', reason: 'ERR_CLIENT_AUTH_FAILED' })
    // Like oidc-provider, a client registered for client_secret_basic may send its secret by post.
    const post = await exchange(h, chat(tokens.id_token), { client: h.clients.agent, method: 'post' })
    expect(post.status).toBe(200)
    // A client_id in the form naming another client than the Basic credentials: oidc-provider's answer.
    const mixed = await exchange(h, { ...chat(tokens.id_token), client_id: 'other-agent' }, { client: h.clients.agent })
    expect(mixed.status).toBe(400)
    expect(mixed.body.error).toBe('invalid_request')
  })

  test('an ID token signed by a key another replica rotated in verifies at once (unknown kid re-reads the keys)', async () => {
    const first = await signIn(h, h.clients.agent)
    // Warm this instance's key snapshot.
    expect((await exchange(h, chat(first.id_token), { client: h.clients.agent })).status).toBe(200)
    // An immediate switch (activateAfterSeconds 0): the case where this instance's snapshot cannot hold the key yet.
    const rotated = await operations.rotateKeys(h.admin, { activateAfterSeconds: 0 })
    const replica = await h.replica()
    try {
      const tokens = await signIn({ issuer: replica.issuer }, h.clients.agent)
      expect(decodeProtectedHeader(tokens.id_token).kid).toBe(rotated.kid)
      // Each replica of the harness has its own issuer: the replica checks its own token here, and the main
      // instance below checks one its provider signs after noticing the rotation, while its snapshot is warm.
      const atReplica = await exchange({ issuer: replica.issuer }, chat(tokens.id_token), { client: h.clients.agent })
      expect(atReplica.status).toBe(200)
    } finally {
      await replica.close()
      await replica.idp.close()
    }
    h.clock.advance(6)
    const fresh = await signIn(h, h.clients.agent)
    h.clock.advance(-6)
    expect(decodeProtectedHeader(fresh.id_token).kid).toBe(rotated.kid)
    expect((await exchange(h, chat(fresh.id_token), { client: h.clients.agent })).status).toBe(200)
  })

  test('IdTokenKeys: a rotation shows after the interval, or at once when asked', async () => {
    let now = 0
    const keys = new IdTokenKeys(h.store.keys, 10_000, () => now)
    const before = await keys.get()
    await operations.rotateKeys(h.admin)
    expect((await keys.get()).version).toBe(before.version)
    const refreshed = await keys.get(true)
    expect(refreshed.version).not.toBe(before.version)
    await operations.rotateKeys(h.admin)
    now += 10_000
    expect((await keys.get()).version).not.toBe(refreshed.version)
    // A clock that went backwards re-reads instead of trusting the snapshot's age.
    now -= 60_000
    const kids = JSON.parse((await keys.get()).version).keys.map((k: { kid: string }) => k.kid)
    expect(kids).toEqual((await h.store.keys.publicJwks('idp')).keys.map((k) => k.kid))
  })
})
