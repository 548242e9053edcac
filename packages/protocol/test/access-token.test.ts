import { decodeJwt, decodeProtectedHeader, exportSPKI } from 'jose'
import { describe, expect, test } from 'vitest'
import {
  type MintAccessTokenInput,
  mintAccessToken,
  staticKeySource,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from '../src/index.js'
import { CLIENT, NOW, RAS, RESOURCE, validIdJag } from './support/id-jag.js'
import { forge, makeKey } from './support/keys.js'

const as = await makeKey('as-1')
const other = await makeKey('as-1')
const HEADER = { alg: 'ES256', kid: 'as-1', typ: 'at+jwt' }

function atClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: RAS,
    sub: 'acct_1',
    aud: RESOURCE,
    client_id: CLIENT,
    jti: 'at-1',
    iat: NOW - 10,
    exp: NOW + 290,
    scope: 'chat.read chat.history',
    ...overrides,
  }
}

function options(overrides: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions {
  return { issuer: RAS, audience: RESOURCE, keys: staticKeySource({ keys: [as.publicJwk] }), now: NOW, ...overrides }
}

interface Attack {
  name: string
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  drop?: string[]
  signer?: 'other' | 'none' | 'public-pem'
  options?: Partial<VerifyAccessTokenOptions>
  code: string
  oauthError?: string
}

const attacks: Attack[] = [
  { name: '2(e) [#36] typ is JWT', header: { typ: 'JWT' }, code: 'ERR_ACCESS_TOKEN_TYP' },
  { name: '2(e) [#36] typ is oauth-id-jag+jwt', header: { typ: 'oauth-id-jag+jwt' }, code: 'ERR_ACCESS_TOKEN_TYP' },
  { name: '2(e) [#36] typ missing', header: { typ: undefined }, code: 'ERR_ACCESS_TOKEN_TYP' },
  { name: '2(e) [#36] alg none', header: { alg: 'none' }, signer: 'none', code: 'ERR_ACCESS_TOKEN_SIGNATURE' },
  {
    name: '2(e) [#36] HS256 signed with the AS public key PEM',
    header: { alg: 'HS256' },
    signer: 'public-pem',
    code: 'ERR_ACCESS_TOKEN_SIGNATURE',
  },
  { name: '2(e) [#36] bad signature, same kid', signer: 'other', code: 'ERR_ACCESS_TOKEN_SIGNATURE' },
  { name: '2(e) [#36] jku header', header: { jku: 'https://evil.example/jwks' }, code: 'ERR_ACCESS_TOKEN_SIGNATURE' },
  { name: '2(e) [#36] unknown kid', header: { kid: 'as-9' }, code: 'ERR_ACCESS_TOKEN_SIGNATURE' },
  {
    name: '2(e) [#36] iss of another AS',
    claims: { iss: 'https://as.other.example' },
    code: 'ERR_ACCESS_TOKEN_ISSUER',
  },
  { name: '2(e) [#36] iss with a trailing slash', claims: { iss: `${RAS}/` }, code: 'ERR_ACCESS_TOKEN_ISSUER' },
  {
    name: '2(e) [#36] aud is another resource',
    claims: { aud: 'https://mcp.other.example' },
    code: 'ERR_ACCESS_TOKEN_AUDIENCE',
  },
  { name: '2(e) [#36] aud missing', drop: ['aud'], code: 'ERR_ACCESS_TOKEN_AUDIENCE' },
  { name: '2(e) [#36] aud is the AS itself', claims: { aud: RAS }, code: 'ERR_ACCESS_TOKEN_AUDIENCE' },
  { name: '2(e) [#36] expired', claims: { iat: NOW - 400, exp: NOW - 100 }, code: 'ERR_ACCESS_TOKEN_EXPIRED' },
  { name: '2(e) [#36] expired exactly at exp + skew', claims: { exp: NOW - 30 }, code: 'ERR_ACCESS_TOKEN_EXPIRED' },
  { name: '2(e) [#36] nbf in the future', claims: { nbf: NOW + 60 }, code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] iat in the future', claims: { iat: NOW + 60 }, code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] missing exp', drop: ['exp'], code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] missing iat', drop: ['iat'], code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] missing sub', drop: ['sub'], code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] missing client_id', drop: ['client_id'], code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] missing jti', drop: ['jti'], code: 'ERR_ACCESS_TOKEN_CLAIM' },
  { name: '2(e) [#36] malformed scope', claims: { scope: 'a  b' }, code: 'ERR_ACCESS_TOKEN_CLAIM' },
  {
    name: '6.5 [#37] a required scope is missing',
    options: { requiredScopes: ['chat.read', 'chat.write'] },
    code: 'ERR_INSUFFICIENT_SCOPE',
    oauthError: 'insufficient_scope',
  },
]

async function build(a: Attack): Promise<string> {
  const header = { ...HEADER, ...a.header }
  const payload = atClaims(a.claims)
  for (const name of a.drop ?? []) delete payload[name]
  if (a.signer === 'none') return forge(header, payload, 'none')
  if (a.signer === 'public-pem') return forge(header, payload, new TextEncoder().encode(await exportSPKI(as.publicKey)))
  return forge(header, payload, a.signer === 'other' ? other.privateKey : as.privateKey)
}

describe('verifyAccessToken attacks', () => {
  for (const a of attacks) {
    test(`${a.name} attack`, async () => {
      const token = await build(a)
      const err = await verifyAccessToken(token, options(a.options)).catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'ProtocolError', code: a.code, oauthError: a.oauthError ?? 'invalid_token' })
      const { message, detail } = err as { message: string; detail: string }
      expect(`${message} ${detail}`).not.toContain(token)
    })
  }

  test('an ID-JAG is never accepted as an access token', async () => {
    const err = await verifyAccessToken(await validIdJag(), options()).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_ACCESS_TOKEN_TYP', oauthError: 'invalid_token' })
  })

  test('a bad signature wins over an expired token', async () => {
    const token = await forge(HEADER, atClaims({ iat: NOW - 900, exp: NOW - 600 }), other.privateKey)
    await expect(verifyAccessToken(token, options())).rejects.toMatchObject({ code: 'ERR_ACCESS_TOKEN_SIGNATURE' })
  })

  test('insufficient scope names every scope the request needs', async () => {
    const token = await build({ name: '', code: '' })
    const err = await verifyAccessToken(token, options({ requiredScopes: ['chat.read', 'chat.write'] })).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ extra: { scope: 'chat.read chat.write' }, detail: 'missing scope chat.write' })
  })
})

describe('verifyAccessToken happy paths', () => {
  test('a token from mintAccessToken verifies with its scopes', async () => {
    const token = await mintAccessToken(
      { iss: RAS, sub: 'acct_1', aud: RESOURCE, client_id: CLIENT, scope: 'chat.read', tenant: 'acme' },
      as,
      { now: NOW },
    )
    const result = await verifyAccessToken(token, options({ requiredScopes: ['chat.read'] }))
    expect(result.scopes).toEqual(['chat.read'])
    expect(result.claims).toMatchObject({ iss: RAS, aud: RESOURCE, tenant: 'acme', exp: NOW + 300 })
  })

  test('typ application/at+jwt, aud as an array and the skew edge verify', async () => {
    const token = await forge(
      { ...HEADER, typ: 'application/at+jwt' },
      atClaims({ aud: ['https://x.example', RESOURCE], exp: NOW - 29 }),
      as.privateKey,
    )
    await expect(verifyAccessToken(token, options())).resolves.toBeDefined()
  })

  test('RS256 tokens verify (RFC 9068 4: RS256 MUST be supported)', async () => {
    const rsa = await makeKey('as-rsa', 'RS256')
    const token = await mintAccessToken({ iss: RAS, sub: 's', aud: RESOURCE, client_id: CLIENT }, rsa, { now: NOW })
    const keys = staticKeySource({ keys: [rsa.publicJwk] })
    await expect(verifyAccessToken(token, options({ keys }))).resolves.toMatchObject({ scopes: [] })
  })

  test('options that allow HMAC are a TypeError', async () => {
    const token = await build({ name: '', code: '' })
    await expect(verifyAccessToken(token, options({ algorithms: ['HS256'] }))).rejects.toBeInstanceOf(TypeError)
  })
})

describe('mintAccessToken', () => {
  const input: MintAccessTokenInput = { iss: RAS, sub: 'acct_1', aud: RESOURCE, client_id: CLIENT }

  test('header typ at+jwt with kid; REQUIRED claims; default lifetime 300 s', async () => {
    const token = await mintAccessToken({ ...input, cnf: { jkt: 'A'.repeat(43) }, amr: ['pwd'] }, as, { now: NOW })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'as-1', typ: 'at+jwt' })
    const payload = decodeJwt(token)
    expect(payload).toMatchObject({ ...input, iat: NOW, exp: NOW + 300, cnf: { jkt: 'A'.repeat(43) } })
    expect(payload.jti).toEqual(expect.any(String))
  })

  test('lifetime up to 3600 s is allowed', async () => {
    const payload = decodeJwt(await mintAccessToken(input, as, { now: NOW, lifetime: 3600 }))
    expect(payload.exp).toBe(NOW + 3600)
  })

  const refusals: [string, Record<string, unknown>, RegExp, object?][] = [
    ['lifetime above the cap', {}, /lifetime 3601 s exceeds the cap of 3600 s/, { lifetime: 3601 }],
    ['zero lifetime', {}, /lifetime/, { lifetime: 0 }],
    ['missing iss', { iss: undefined }, /"iss"/],
    ['non-URL iss', { iss: 'as' }, /"iss"/],
    ['missing sub', { sub: undefined }, /"sub"/],
    ['missing aud', { aud: undefined }, /"aud"/],
    ['relative aud', { aud: '/mcp' }, /"aud"/],
    ['empty aud array', { aud: [] }, /"aud"/],
    ['missing client_id', { client_id: undefined }, /"client_id"/],
    ['malformed scope', { scope: ' a' }, /"scope"/],
    ['bad cnf', { cnf: { jkt: 1 } }, /"cnf"/],
  ]
  for (const [name, override, message, opts] of refusals) {
    test(`refuses to mint: ${name}`, async () => {
      const bad = { ...input, ...override } as MintAccessTokenInput
      await expect(mintAccessToken(bad, as, { now: NOW, ...opts })).rejects.toThrow(message)
    })
  }
})
