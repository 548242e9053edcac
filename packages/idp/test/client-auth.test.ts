import { randomUUID } from 'node:crypto'
import { CLIENT_ASSERTION_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose'

type KeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, REDIRECT_URI, signIn, startHarness } from './support/harness.js'

// Client authentication at the token exchange (project decision 6): client_secret_basic and client_secret_post are
// covered by the other suites; here private_key_jwt, and disabled clients.
describe('private_key_jwt and disabled clients', () => {
  let h: Harness
  let privateKey: KeyLike
  let otherKey: KeyLike
  beforeAll(async () => {
    h = await startHarness()
    const pair = await generateKeyPair('ES256', { extractable: true })
    privateKey = pair.privateKey
    otherKey = (await generateKeyPair('ES256')).privateKey
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
    await operations.createClient(h.admin, {
      clientId: 'kp-agent',
      name: 'Key pair agent',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [jwk] },
      redirectUris: [REDIRECT_URI],
      firstParty: true,
    })
    await operations.createConnection(h.admin, {
      clientId: 'kp-agent',
      applicationId: h.apps.chat,
      resource: CHAT_MCP,
      groups: [h.groups.engineering],
      scopes: ['chat.read'],
      consentGrantedBy: h.users.alice,
    })
  })
  afterAll(() => h?.close())

  const assertion = (key: KeyLike) => async () => ({
    fields: {
      client_id: 'kp-agent',
      client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER,
      client_assertion: await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer('kp-agent')
        .setSubject('kp-agent')
        .setAudience(`${h.issuer}/token`)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(key),
    },
  })

  test('a private_key_jwt client signs in and exchanges; without a mapping its IdP client_id is used at the RAS', async () => {
    const tokens = await signIn(h, { clientId: 'kp-agent', secret: '' }, { tokenAuth: assertion(privateKey) })
    const { fields } = await assertion(privateKey)()
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
      { headers: {}, fields },
    )
    expect(res.status).toBe(200)
    expect(decodeJwt(String(res.body.access_token))).toMatchObject({ client_id: 'kp-agent', scope: 'chat.read' })
  })

  test('an assertion signed by another key is invalid_client (401), audited', async () => {
    const { fields } = await assertion(otherKey)()
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: 'x' },
      { headers: {}, fields },
    )
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    const last = (await h.store.audit.query({ action: 'id_jag.issue', clientId: 'kp-agent', limit: 1 })).events[0]
    expect(last).toMatchObject({ decision: 'deny', reason: 'ERR_CLIENT_AUTH_FAILED' })
  })

  // Upstreams: the IdP fetches nothing while it serves a request. oidc-provider would fetch a client's jwks_uri (and
  // a sector_identifier_uri, a metadata document, a back-channel logout URI); IdP clients register their keys inline
  // and none of those features is on, so no remote server can slow or hang client authentication.
  test('an unknown kid is invalid_client at once, with no outbound request; a jwks_uri cannot be registered', async () => {
    const outbound: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (!url.startsWith(h.issuer)) outbound.push(url)
      return realFetch(input, init)
    }
    try {
      const unknownKid = {
        client_id: 'kp-agent',
        client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER,
        client_assertion: await new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: 'rotated-away' })
          .setIssuer('kp-agent')
          .setSubject('kp-agent')
          .setAudience(`${h.issuer}/token`)
          .setJti(randomUUID())
          .setIssuedAt()
          .setExpirationTime('1m')
          .sign(otherKey),
      }
      const res = await exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: 'x' },
        { headers: {}, fields: unknownKid },
      )
      expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    } finally {
      globalThis.fetch = realFetch
    }
    expect(outbound).toEqual([])
    const key = (await operations.createApiKey(h.admin, 'jwks-uri')).key
    const refused = await fetch(`${h.issuer}/admin/api/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'remote-keys',
        name: 'Remote keys',
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks_uri: 'https://keys.example/jwks',
      }),
    })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/jwks_uri/),
    })
  })

  test('a disabled client cannot authenticate: the change applies without a restart', async () => {
    const tokens = await signIn(h, h.clients.agent)
    await operations.updateClient(h.admin, 'agent', { enabled: false })
    try {
      const res = await exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
      expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    } finally {
      await operations.updateClient(h.admin, 'agent', { enabled: true })
    }
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    expect(res.status).toBe(200)
  })
})
