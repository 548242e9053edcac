// JWT verification with keys from the AS: a configured jwks_uri (rotation through protocol's JWKS cache) and
// discovery of jwks_uri from the issuer's RFC 8414 metadata.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createResourceServer } from '../src/index.js'
import { refused } from './support/fixtures.js'
import { makeKey, startTestAs, type TestAs } from './support/test-as.js'

const RESOURCE = 'https://notes.example/mcp'
let as: TestAs
let now = Date.now()
const withToken = (token: string) => new Request(RESOURCE, { headers: { authorization: `Bearer ${token}` } })

beforeAll(async () => {
  as = await startTestAs()
})
afterAll(() => as.close())

describe('keys from the authorization server', () => {
  test('jwks_uri: rotated-in keys verify after a refetch; removed keys stop verifying [#28]', async () => {
    const rs = createResourceServer({
      resource: RESOURCE,
      authorizationServers: [as.issuer],
      verifier: { type: 'jwt', issuer: as.issuer, jwksUri: as.jwksUri, jwks: { cooldown: 1_000 } },
      clock: () => now,
    })
    const oldToken = await as.mint({ aud: RESOURCE })
    expect((await rs.authenticate(withToken(oldToken))).ok).toBe(true)

    const oldKey = as.key
    as.key = await makeKey('as-rotated')
    as.jwks = { keys: [as.key.publicJwk] }
    now += 1_001
    expect((await rs.authenticate(withToken(await as.mint({ aud: RESOURCE })))).ok).toBe(true)
    // The old key left the set: its tokens fail even though they have not expired.
    now += 1_001
    refused(await rs.authenticate(withToken(oldToken)), {
      status: 401,
      code: 'ERR_ACCESS_TOKEN_SIGNATURE',
      oauthError: 'invalid_token',
    })
    as.key = oldKey
    as.jwks = { keys: [oldKey.publicJwk] }
  })

  test('no jwksUri: the jwks_uri is discovered from the issuer metadata, once', async () => {
    const rs = createResourceServer({
      resource: RESOURCE,
      authorizationServers: [as.issuer],
      verifier: { type: 'jwt', issuer: as.issuer },
    })
    const before = as.requests.filter((r) => r.includes('oauth-authorization-server')).length
    for (let i = 0; i < 3; i++)
      expect((await rs.authenticate(withToken(await as.mint({ aud: RESOURCE })))).ok).toBe(true)
    expect(as.requests.filter((r) => r.includes('oauth-authorization-server')).length - before).toBe(1)
  })

  test('discovery that fails is 503 temporarily_unavailable (the token may be good), retried after the cooldown', async () => {
    const down = await startTestAs()
    const issuer = down.issuer
    await down.close()
    const rs = createResourceServer({
      resource: RESOURCE,
      authorizationServers: [issuer],
      verifier: { type: 'jwt', issuer },
    })
    const token = await as.mint({ iss: issuer, aud: RESOURCE })
    const verdict = await rs.authenticate(withToken(token))
    refused(verdict, { status: 503, code: 'ERR_JWKS_UNAVAILABLE', oauthError: 'temporarily_unavailable' })
    expect(!verdict.ok && verdict.error.detail).toMatch(/metadata discovery failed/)
    const answer = verdict.ok ? undefined : verdict.response()
    expect(answer?.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(answer?.headers.get('www-authenticate')).toBeNull()
  })

  test('a jwks_uri that cannot be fetched is 503, not a refusal of the token', async () => {
    const down = await startTestAs()
    const { jwksUri } = down
    await down.close()
    const rs = createResourceServer({
      resource: RESOURCE,
      authorizationServers: [as.issuer],
      verifier: { type: 'jwt', issuer: as.issuer, jwksUri },
    })
    const verdict = await rs.authenticate(withToken(await as.mint({ aud: RESOURCE })))
    refused(verdict, { status: 503, code: 'ERR_JWKS_UNAVAILABLE', oauthError: 'temporarily_unavailable' })
  })
})
