// RFC 7662 introspection against a real loopback AS: short cache keyed by a hash of the token, active:false,
// the same claim checks as JWTs, and an unreachable endpoint answered 503 without caching.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { refused } from './support/fixtures.js'
import { startTestAs, type TestAs } from './support/test-as.js'

const RESOURCE = 'https://notes.example/mcp'
const PRM_URL = 'https://notes.example/.well-known/oauth-protected-resource/mcp'
let as: TestAs
let now = 1_800_000_000_000
let rs: ResourceServer

const calls = () => as.requests.filter((r) => r === 'POST /introspect').length
const sec = () => Math.floor(now / 1000)
const withToken = (token: string) =>
  new Request(RESOURCE, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })

function active(overrides: Record<string, unknown> = {}) {
  return {
    active: true,
    iss: as.issuer,
    aud: RESOURCE,
    sub: 'alice',
    client_id: 'agent',
    scope: 'notes.read',
    tenant: 'acme',
    token_type: 'Bearer',
    exp: sec() + 300,
    ...overrides,
  }
}

beforeAll(async () => {
  as = await startTestAs()
  rs = createResourceServer({
    resource: RESOURCE,
    authorizationServers: [as.issuer],
    scopesSupported: ['notes.read', 'notes.write'],
    verifier: {
      type: 'introspection',
      endpoint: as.introspectionEndpoint,
      clientId: as.introspectionClient.id,
      clientSecret: as.introspectionClient.secret,
      cacheTtl: 10_000,
      clockSkew: 0,
    },
    clock: () => now,
  })
})
afterAll(() => as.close())

describe('RFC 7662 introspection', () => {
  test('an active token is accepted, and the answer is reused within cacheTtl', async () => {
    as.opaque.set('opaque-1', active())
    const before = calls()
    const first = await rs.authenticate(withToken('opaque-1'), { requiredScopes: ['notes.read'] })
    expect(first.ok && first.auth).toMatchObject({
      subject: 'alice',
      clientId: 'agent',
      organization: 'acme',
      scopes: ['notes.read'],
    })
    const second = await rs.authenticate(withToken('opaque-1'))
    expect(second.ok).toBe(true)
    expect(calls() - before).toBe(1)
    now += 10_001
    await rs.authenticate(withToken('opaque-1'))
    expect(calls() - before).toBe(2)
  })

  test('concurrent requests for one token share one introspection call', async () => {
    as.opaque.set('opaque-2', active())
    const before = calls()
    const verdicts = await Promise.all(Array.from({ length: 5 }, () => rs.authenticate(withToken('opaque-2'))))
    expect(verdicts.every((v) => v.ok)).toBe(true)
    expect(calls() - before).toBe(1)
  })

  test('active:false is 401 invalid_token, and is cached too', async () => {
    const before = calls()
    for (let i = 0; i < 2; i++) {
      const params = refused(await rs.authenticate(withToken('unknown-token')), {
        status: 401,
        code: 'ERR_ACCESS_TOKEN_INACTIVE',
        oauthError: 'invalid_token',
      })
      expect(params).toEqual({
        error: 'invalid_token',
        error_description: 'the access token is not active',
        resource_metadata: PRM_URL,
        scope: 'notes.read notes.write',
      })
    }
    expect(calls() - before).toBe(1)
  })

  test('a cached answer is never used past the token exp', async () => {
    as.opaque.set('opaque-3', active({ exp: sec() + 5 }))
    expect((await rs.authenticate(withToken('opaque-3'))).ok).toBe(true)
    now += 6_000
    refused(await rs.authenticate(withToken('opaque-3')), {
      status: 401,
      code: 'ERR_ACCESS_TOKEN_EXPIRED',
      oauthError: 'invalid_token',
    })
  })

  const attacks = [
    {
      name: 'audience is another resource',
      answer: () => active({ aud: 'https://tasks.example/mcp' }),
      code: 'ERR_ACCESS_TOKEN_AUDIENCE',
    },
    { name: 'no audience at all', answer: () => active({ aud: undefined }), code: 'ERR_ACCESS_TOKEN_AUDIENCE' },
    {
      name: 'issuer is not trusted',
      answer: () => active({ iss: 'https://evil.example' }),
      code: 'ERR_ACCESS_TOKEN_ISSUER',
    },
    { name: 'expired', answer: () => active({ exp: sec() - 1 }), code: 'ERR_ACCESS_TOKEN_EXPIRED' },
    { name: 'not yet valid', answer: () => active({ nbf: sec() + 60 }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
    { name: 'DPoP token type', answer: () => active({ token_type: 'DPoP' }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
    { name: 'sender-constrained (cnf)', answer: () => active({ cnf: { jkt: 'x' } }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
    { name: 'no subject', answer: () => active({ sub: undefined }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
    { name: 'no client_id', answer: () => active({ client_id: undefined }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
  ]
  for (const [i, a] of attacks.entries()) {
    test(`active but ${a.name}: 401 invalid_token`, async () => {
      as.opaque.set(`attack-${i}`, a.answer())
      refused(await rs.authenticate(withToken(`attack-${i}`)), {
        status: 401,
        code: a.code,
        oauthError: 'invalid_token',
      })
    })
  }

  test('insufficient scope on an introspected token: 403 naming every needed scope', async () => {
    as.opaque.set('opaque-4', active())
    const params = refused(
      await rs.authenticate(withToken('opaque-4'), { requiredScopes: ['notes.read', 'notes.write'] }),
      {
        status: 403,
        code: 'ERR_INSUFFICIENT_SCOPE',
        oauthError: 'insufficient_scope',
      },
    )
    expect(params).toMatchObject({ error: 'insufficient_scope', scope: 'notes.read notes.write' })
  })

  test('an endpoint that fails is 503 temporarily_unavailable with Retry-After, never cached', async () => {
    as.opaque.set('opaque-5', active())
    as.introspectionStatus = 500
    const before = calls()
    const verdict = await rs.authenticate(withToken('opaque-5'))
    expect(
      refused(verdict, { status: 503, code: 'ERR_INTROSPECTION_UNAVAILABLE', oauthError: 'temporarily_unavailable' }),
    ).toBe(undefined)
    expect(!verdict.ok && verdict.headers['Retry-After']).toBe('5')
    expect(!verdict.ok && verdict.error.detail).toBe('status 500')
    as.introspectionStatus = 200
    expect((await rs.authenticate(withToken('opaque-5'))).ok).toBe(true)
    expect(calls() - before).toBe(2)
  })

  test('wrong resource-server credentials at the AS are 503, not a verdict on the token', async () => {
    const wrong = createResourceServer({
      resource: RESOURCE,
      authorizationServers: [as.issuer],
      verifier: {
        type: 'introspection',
        endpoint: as.introspectionEndpoint,
        clientId: 'rs-client',
        clientSecret: 'nope',
      },
      clock: () => now,
    })
    refused(await wrong.authenticate(withToken('opaque-1')), {
      status: 503,
      code: 'ERR_INTROSPECTION_UNAVAILABLE',
      oauthError: 'temporarily_unavailable',
    })
  })
})
