import {
  ALLOW_ID_JAG_REPRESENTATION,
  createJwksCache,
  ID_JAG_TYP,
  TOKEN_TYPE_ID_JAG,
  verifyIdJag,
} from '@openxaa/protocol'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, signIn, startHarness, TENANT } from './support/harness.js'

describe('sign-in (code + PKCE through the sign-in form) and ID-JAG issuance', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  test('discovery advertises token exchange, the ID-JAG token type, S256 and the client auth methods', async () => {
    const res = await fetch(`${h.issuer}/.well-known/openid-configuration`)
    const doc = (await res.json()) as Record<string, unknown>
    expect(doc.issuer).toBe(h.issuer)
    expect(doc.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:token-exchange')
    expect(doc.identity_chaining_requested_token_types_supported).toEqual([TOKEN_TYPE_ID_JAG])
    expect(doc.code_challenge_methods_supported).toEqual(['S256'])
    expect(doc.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    )
    expect(doc.id_token_signing_alg_values_supported).toEqual(['ES256'])
    expect(doc.jwks_uri).toBe(`${h.issuer}/jwks`)
  })

  test('a client signs in and exchanges its ID token for an ID-JAG that verifies against the published JWKS', async () => {
    const tokens = await signIn(h, h.clients.agent)
    expect(tokens.refresh_token).toBeTypeOf('string')
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read chat.history', subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.body).toMatchObject({ issued_token_type: TOKEN_TYPE_ID_JAG, token_type: 'N_A', expires_in: 300 })
    expect(res.body.refresh_token).toBeUndefined()
    expect(res.body.scope).toBeUndefined()
    const idJag = res.body.access_token as string
    expect(decodeProtectedHeader(idJag).typ).toBe(ID_JAG_TYP)
    const keys = createJwksCache({ uri: `${h.issuer}/jwks` })
    const verified = await verifyIdJag(idJag, {
      issuer: CHAT_ISSUER,
      trustedIssuer: (iss) => (iss === h.issuer ? { issuer: iss, keys, tenant: TENANT } : undefined),
      clientId: 'f53f191f9311af35',
      resources: [CHAT_MCP],
      replay: ALLOW_ID_JAG_REPRESENTATION,
      now: Math.floor(h.clock.now / 1000),
    })
    expect(verified.claims).toMatchObject({
      iss: h.issuer,
      sub: h.users.alice,
      aud: CHAT_ISSUER,
      client_id: 'f53f191f9311af35',
      resource: CHAT_MCP,
      scope: 'chat.read chat.history',
      tenant: TENANT,
      email: 'alice@acme.example',
      // What resource ASes require before linking by email (2(d) step 10).
      email_verified: true,
    })
    expect(verified.claims.exp - verified.claims.iat).toBe(300)
    expect(typeof verified.claims.auth_time).toBe('number')
    // [#5] every issuance has its own jti, also for the same request.
    const again = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read chat.history', subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    const second = decodeJwt(again.body.access_token as string)
    expect(verified.claims.jti).toMatch(/^[\w-]{16,}$/)
    expect(second.jti).not.toBe(verified.claims.jti)
  })

  test('an unverified email is never put in an ID-JAG, so no resource AS can link an account by it', async () => {
    await h.store.idp.users.update(h.users.carol, { email: 'carol@acme.example', emailVerified: false })
    try {
      const tokens = await signIn(h, h.clients.agent, { username: 'carol' })
      const res = await exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
      expect(res.status).toBe(200)
      const claims = decodeJwt(res.body.access_token as string)
      expect(claims.sub).toBe(h.users.carol)
      expect(claims.email).toBeUndefined()
      expect(claims.email_verified).toBeUndefined()
    } finally {
      await h.store.idp.users.update(h.users.carol, { email: null, emailVerified: false })
    }
  })
})
