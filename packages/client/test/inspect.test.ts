// `inspectJwt`: what a token is, for whom, until when, and which rule it breaks (offline, no signature check).

import { mintAccessToken, mintIdJag } from '@openxaa/protocol'
import { SignJWT, UnsecuredJWT } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { inspectJwt } from '../src/index.js'
import { createTestKey, type TestKey } from './fixtures/support.js'

const now = 1_800_000_000
let key: TestKey
const base = { iss: 'https://idp.example', sub: 'u1', aud: 'https://as.example', client_id: 'c1', jti: 'j1' }

async function forge(claims: Record<string, unknown>, header: Record<string, unknown> = { typ: 'oauth-id-jag+jwt' }) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k', ...header }).sign(key.signing.privateKey)
}

beforeAll(async () => {
  key = await createTestKey('k')
})

describe('recognises kinds', () => {
  test('a well-formed ID-JAG: kind, parties, expiry, no finding', async () => {
    const jwt = await mintIdJag({ ...base, resource: 'https://mcp.example/mcp', scope: 'a b' }, key.signing, { now })
    const report = inspectJwt(jwt, { now: now + 60 })
    expect(report).toMatchObject({
      kind: 'id-jag',
      recognisedBy: 'typ oauth-id-jag+jwt',
      issuer: 'https://idp.example',
      subject: 'u1',
      audience: ['https://as.example'],
      clientId: 'c1',
      resource: 'https://mcp.example/mcp',
      lifetime: 300,
      expiry: 'expires in 4 min',
      ok: true,
      findings: [],
    })
  })

  test('an RFC 9068 access token', async () => {
    const jwt = await mintAccessToken({ ...base, aud: 'https://mcp.example/mcp', scope: 'a' }, key.signing, { now })
    expect(inspectJwt(jwt, { now })).toMatchObject({ kind: 'access-token', ok: true })
  })

  test('an ID token, by its OIDC claims', async () => {
    const jwt = await forge(
      { iss: 'https://idp.example', sub: 'u1', aud: 'agent', iat: now, exp: now + 600, nonce: 'n' },
      { typ: 'JWT' },
    )
    expect(inspectJwt(jwt, { now })).toMatchObject({ kind: 'id-token', ok: true })
  })

  test('not a JWT, and an encrypted JWT', () => {
    expect(inspectJwt('hello', { now })).toMatchObject({ kind: 'unknown', ok: false })
    expect(inspectJwt('a.b.c.d.e', { now }).findings[0]?.message).toContain('encrypted')
  })
})

describe('names the rule a broken token breaks', () => {
  const iat = now - 10
  const cases = [
    {
      name: 'wrong typ on an ID-JAG',
      claims: { ...base, resource: 'https://m', iat, exp: iat + 300 },
      header: { typ: 'JWT' },
      rule: 'ID-JAG 2(c) / RFC 8725 3.11',
      text: 'it must be oauth-id-jag+jwt',
    },
    {
      name: 'aud array with 2 values',
      claims: { ...base, aud: ['https://as.example', 'https://other.example'], iat, exp: iat + 300 },
      rule: 'ID-JAG 2(c) / 2(d).5 [#6, #17]',
      text: 'aud has 2 values',
    },
    {
      name: 'missing jti',
      claims: { ...base, jti: undefined, iat, exp: iat + 300 },
      rule: 'ID-JAG 2(c)',
      text: 'REQUIRED claim jti',
    },
    {
      name: 'lifetime over 900 s',
      claims: { ...base, iat, exp: iat + 1000 },
      rule: 'decision 4 [#10]',
      text: 'lifetime is 1000 s',
    },
    {
      name: 'expired',
      claims: { ...base, iat: now - 900, exp: now - 600 },
      rule: 'RFC 7519 4.1.4',
      text: 'expired 10 min ago',
    },
    {
      name: 'issued in the future',
      claims: { ...base, iat: now + 600, exp: now + 800 },
      rule: 'RFC 7519 4.1.6',
      text: 'in the future',
    },
    {
      name: 'access token without typ at+jwt',
      claims: { ...base, aud: 'https://m', scope: 'a', iat, exp: iat + 300 },
      header: { typ: 'JWT' },
      rule: 'RFC 9068 2.1',
      text: 'it must be at+jwt',
    },
    {
      name: 'ID token with several audiences and no azp',
      claims: { iss: 'https://idp.example', sub: 'u1', aud: ['agent', 'other'], iat, exp: iat + 600, nonce: 'n' },
      header: { typ: 'JWT' },
      rule: 'OIDC Core 2',
      text: 'several audiences and no azp',
    },
    {
      name: 'key named by jku',
      claims: { ...base, iat, exp: iat + 300 },
      header: { typ: 'oauth-id-jag+jwt', jku: 'https://evil/jwks' },
      rule: 'RFC 8725 3.10 / ID-JAG 2(d).4',
      text: 'jku',
    },
  ] as const
  for (const c of cases) {
    test(c.name, async () => {
      const jwt = await forge(c.claims, 'header' in c ? c.header : undefined)
      const report = inspectJwt(jwt, { now })
      expect(report.ok).toBe(false)
      expect(report.findings).toContainEqual(
        expect.objectContaining({ severity: 'error', rule: c.rule, message: expect.stringContaining(c.text) }),
      )
    })
  }

  test('alg none', () => {
    const jwt = new UnsecuredJWT({ ...base, iat: now, exp: now + 60 }).encode()
    expect(inspectJwt(jwt, { now }).findings).toContainEqual(expect.objectContaining({ rule: 'RFC 8725 3.1' }))
  })

  test('the report never contains the token or its signature', async () => {
    const jwt = await forge({ ...base, iat: now, exp: now + 300 })
    expect(JSON.stringify(inspectJwt(jwt, { now }))).not.toContain(jwt.split('.')[2])
  })
})
