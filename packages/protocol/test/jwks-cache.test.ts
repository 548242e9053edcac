import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createJwksCache, type JwksCache, type JwksCacheOptions, verifyIdJag } from '../src/index.js'
import { startJwksServer, type TestServer } from './support/http.js'
import { claims, ctx, HEADER, idp, trust, validIdJag } from './support/id-jag.js'
import { forge, makeKey } from './support/keys.js'

const MIN = 60_000
let server: TestServer
let t: number

beforeEach(async () => {
  server = await startJwksServer({ keys: [idp.publicJwk] })
  t = 1_000_000
})
afterEach(() => server.close())

function cache(options: Partial<JwksCacheOptions> = {}): JwksCache {
  return createJwksCache({ uri: server.url, clock: () => t, ...options })
}

const ES256 = { alg: 'ES256' as const, kid: 'idp-1' }

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as Record<string, unknown>,
  )
}

describe('createJwksCache', () => {
  test('fetches once, serves from memory during the TTL, refetches after it', async () => {
    const keys = cache()
    await Promise.all([keys(ES256), keys(ES256), keys(ES256)])
    expect(server.requests).toBe(1)
    t += 10 * MIN - 1
    await keys(ES256)
    expect(server.requests).toBe(1)
    t += 1
    await keys(ES256)
    expect(server.requests).toBe(2)
    expect(keys.stats).toMatchObject({ fetches: 2, failures: 0, keys: 1, fetchedAt: t })
  })

  test('2(d).4 [#28] rotation: an unknown kid refetches at most once per cooldown', async () => {
    const keys = cache()
    const next = await makeKey('idp-2')
    await keys(ES256)
    server.body = { keys: [idp.publicJwk, next.publicJwk] }
    // Within the cooldown of the first fetch: a flood of unknown kids fetches nothing.
    t += 10_000
    for (let i = 0; i < 5; i++) {
      const err = await errorOf(keys({ alg: 'ES256', kid: `random-${i}` }))
      expect(err.code).toBe('ERR_JWKS_NO_MATCHING_KEY')
    }
    expect(server.requests).toBe(1)
    t += 20_000
    const results = await Promise.all([keys({ alg: 'ES256', kid: 'idp-2' }), keys({ alg: 'ES256', kid: 'idp-2' })])
    expect(results[0]?.type).toBe('public')
    expect(server.requests).toBe(2)
    // A second unknown kid right after: no new fetch.
    await errorOf(keys({ alg: 'ES256', kid: 'idp-3' }))
    expect(server.requests).toBe(2)
  })

  test('2(d).4 [#28] removed keys stop validating after a refetch', async () => {
    const keys = cache()
    const next = await makeKey('idp-2')
    const oldToken = await validIdJag()
    await expect(verifyIdJag(oldToken, ctx({}, trust({ keys })))).resolves.toBeDefined()
    server.body = { keys: [next.publicJwk] }
    t += 10 * MIN
    const newToken = await forge({ ...HEADER, kid: 'idp-2' }, claims(), next.privateKey)
    await expect(verifyIdJag(newToken, ctx({}, trust({ keys })))).resolves.toBeDefined()
    const err = await errorOf(verifyIdJag(await validIdJag(), ctx({}, trust({ keys }))))
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_KEY_NOT_FOUND', oauthError: 'invalid_grant' })
    expect(server.requests).toBe(2)
  })

  test('a cache is a key function jose jwtVerify accepts directly', async () => {
    const { jwtVerify } = await import('jose')
    const { payload } = await jwtVerify(await validIdJag(), cache(), { currentDate: new Date(1_800_000_000_000) })
    expect(payload.iss).toBe('https://acme.idp.example')
  })

  test('refresh() fetches now and reports the set', async () => {
    const keys = cache()
    await keys.refresh()
    await keys.refresh()
    expect(server.requests).toBe(2)
    expect(keys.jwks()?.keys.map((k) => k.kid)).toEqual(['idp-1'])
  })

  test('stale-if-error: the last good set serves while the issuer is down, up to maxStaleAge', async () => {
    const keys = cache({ maxStaleAge: 60 * MIN })
    await keys(ES256)
    await server.down()
    t += 10 * MIN
    await expect(keys(ES256)).resolves.toBeDefined()
    expect(keys.stats).toMatchObject({ fetches: 2, failures: 1, lastError: expect.stringMatching(/ECONNREFUSED/) })
    // Failed attempts are rate-limited by the cooldown too.
    t += 10_000
    await keys(ES256)
    expect(keys.stats.fetches).toBe(2)
    t += 50 * MIN + 1
    const err = await errorOf(keys(ES256))
    expect(err).toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE', oauthError: 'temporarily_unavailable' })
    await server.up()
    t += 30_000
    await expect(keys(ES256)).resolves.toBeDefined()
    expect(keys.stats).toMatchObject({ failures: 2, lastError: undefined })
  })

  test('2(d).4 [#16] issuer unreachable and nothing cached: verifyIdJag refuses with KEYS_UNAVAILABLE', async () => {
    const keys = cache()
    await server.down()
    const err = await errorOf(verifyIdJag(await validIdJag(), ctx({}, trust({ keys }))))
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_KEYS_UNAVAILABLE', oauthError: 'invalid_grant' })
    // Within the cooldown nothing is retried; the stored failure answers.
    await errorOf(keys(ES256))
    expect(keys.stats).toMatchObject({ fetches: 1, failures: 1 })
  })

  const failures: [string, TestServer['mode'], RegExp][] = [
    ['slow response headers', 'slow-headers', /timed out after 150 ms/],
    ['a body that stalls', 'slow-body', /timed out after 150 ms/],
    ['an oversized body with content-length', 'oversized', /content-length \d+ exceeds 65536/],
    ['an oversized chunked body', 'oversized-chunked', /exceeds 65536 bytes/],
    ['status 500', 'status-500', /status 500/],
    ['a redirect', 'redirect', /status 302/],
    ['a body that is not JSON', 'not-json', /not JSON/],
  ]
  for (const [name, mode, reason] of failures) {
    test(`refuses ${name}`, async () => {
      server.mode = mode
      const keys = cache({ timeout: 150 })
      const started = performance.now()
      const err = await errorOf(keys(ES256))
      expect(performance.now() - started).toBeLessThan(1500)
      expect(err).toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE', detail: expect.stringMatching(reason) })
      expect(server.requests).toBe(1)
    })
  }

  test('a body that is not a JWK Set is refused; the previous good set stays', async () => {
    const keys = cache()
    await keys(ES256)
    server.body = { keys: 'nope' }
    await expect(keys.refresh()).rejects.toMatchObject({ detail: expect.stringMatching(/no "keys" array/) })
    await expect(keys(ES256)).resolves.toBeDefined()
  })

  test('only asymmetric sig keys are kept: oct, use=enc and private members are dropped', async () => {
    const enc = await makeKey('enc-1')
    const withPrivate = await makeKey('priv-1')
    const { exportJWK } = await import('jose')
    server.body = {
      keys: [
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
        { ...enc.publicJwk, use: 'enc' },
        { ...(await exportJWK(withPrivate.privateKey)), kid: 'priv-1' },
        idp.publicJwk,
      ],
    }
    const keys = cache()
    await keys(ES256)
    expect(keys.jwks()?.keys.map((k) => k.kid)).toEqual(['idp-1'])
    for (const [alg, kid] of [
      ['HS256', 'hmac'],
      ['ES256', 'enc-1'],
      ['ES256', 'priv-1'],
    ] as const) {
      const err = await errorOf(keys({ alg, kid }))
      expect(String(err.code)).toMatch(/ERR_JWKS_NO_MATCHING_KEY|ERR_JOSE_NOT_SUPPORTED/)
    }
  })

  test('2(d).4 [#16] jku, x5u and jwk in the header are never fetched or used', async () => {
    const attackerServer = await startJwksServer({ keys: [] })
    try {
      const keys = cache()
      const header = { ...ES256, jku: attackerServer.url, x5u: attackerServer.url, jwk: { kty: 'EC' } }
      const key = await keys(header)
      expect(key.type).toBe('public')
      expect(attackerServer.requests).toBe(0)
      expect(server.requests).toBe(1)
    } finally {
      await attackerServer.close()
    }
  })

  test('the URI must be https, except plain http on loopback', () => {
    for (const uri of ['http://idp.example/jwks', 'http://10.0.0.1/jwks', 'ftp://idp.example/jwks']) {
      expect(() => createJwksCache({ uri })).toThrow(/https/)
    }
    expect(() => createJwksCache({ uri: 'https://u:p@idp.example/jwks' })).toThrow(/user information/)
    for (const uri of ['https://idp.example/jwks', 'http://127.0.0.1:1/j', 'http://localhost/j', 'http://[::1]:8/j']) {
      expect(() => createJwksCache({ uri })).not.toThrow()
    }
    expect(() => createJwksCache({ uri: 'https://idp.example/jwks', ttl: 0 })).toThrow(/ttl/)
  })
})
