import { exportSPKI } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createJwksCache, type TrustedIssuer, type VerifyIdJagContext, verifyIdJag } from '../src/index.js'
import { startJwksServer, type TestServer } from './support/http.js'
import {
  attacker,
  CLIENT,
  claims,
  ctx,
  HEADER,
  IDP,
  idp,
  NOW,
  RAS,
  RESOURCE,
  SAML_ISSUER,
  TOKEN_URL,
  trust,
} from './support/id-jag.js'
import { forge } from './support/keys.js'

let attackerServer: TestServer

beforeAll(async () => {
  attackerServer = await startJwksServer({ keys: [attacker.publicJwk] })
})
afterAll(() => attackerServer.close())

interface Attack {
  name: string
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  drop?: string[]
  /** Which key signs: the issuer's (default), the attacker's, or raw bytes / none. */
  signer?: 'attacker' | 'none' | 'public-pem' | 'public-jwk'
  ctx?: Partial<VerifyIdJagContext>
  trust?: Partial<TrustedIssuer>
  code: string
  detail?: RegExp
}

async function build(a: Omit<Attack, 'name' | 'code'>): Promise<string> {
  const header = { ...HEADER, ...a.header }
  const payload = claims(a.claims)
  for (const name of a.drop ?? []) delete payload[name]
  switch (a.signer) {
    case 'attacker':
      return forge(header, payload, attacker.privateKey)
    case 'none':
      return forge(header, payload, 'none')
    case 'public-pem':
      return forge(header, payload, new TextEncoder().encode(await exportSPKI(idp.publicKey)))
    case 'public-jwk':
      return forge(header, payload, new TextEncoder().encode(JSON.stringify(idp.publicJwk)))
    default:
      return forge(header, payload, idp.privateKey)
  }
}

const ID_TOKEN_CLAIMS = { aud: CLIENT, nonce: 'n-0S6_WzA2Mj', azp: CLIENT, auth_time: NOW - 60 }

const attacks: Attack[] = [
  // 2(d).2 [#15]
  { name: '2(d).2 [#15] typ is JWT', header: { typ: 'JWT' }, code: 'ERR_ID_JAG_TYP' },
  { name: '2(d).2 [#15] typ is at+jwt', header: { typ: 'at+jwt' }, code: 'ERR_ID_JAG_TYP' },
  { name: '2(d).2 [#15] typ missing', header: { typ: undefined }, code: 'ERR_ID_JAG_TYP', detail: /missing/ },
  { name: '2(d).2 [#15] typ application/jwt', header: { typ: 'application/jwt' }, code: 'ERR_ID_JAG_TYP' },
  { name: '2(d).2 [#15] typ with suffix', header: { typ: 'oauth-id-jag+jwt+x' }, code: 'ERR_ID_JAG_TYP' },
  {
    name: '2(d).2 [#15] genuine-looking ID Token replayed as assertion',
    header: { typ: 'JWT' },
    claims: ID_TOKEN_CLAIMS,
    code: 'ERR_ID_JAG_TYP',
  },
  { name: '2(d).2 [#15] crit header', header: { crit: ['exp'], exp: 1 }, code: 'ERR_ID_JAG_MALFORMED' },
  // 2(d).3 / 2(d).4 [#16]
  { name: '2(d).3 [#16] unknown issuer', claims: { iss: 'https://evil.example' }, code: 'ERR_ID_JAG_ISSUER' },
  { name: '2(d).3 [#16] issuer differs by a trailing slash', claims: { iss: `${IDP}/` }, code: 'ERR_ID_JAG_ISSUER' },
  { name: '2(d).3 [#16] iss missing', drop: ['iss'], code: 'ERR_ID_JAG_CLAIM_MISSING' },
  { name: '2(d).4 [#16] alg none', header: { alg: 'none' }, signer: 'none', code: 'ERR_ID_JAG_ALG' },
  {
    name: '2(d).4 [#16] HS256 signed with the issuer public key PEM',
    header: { alg: 'HS256' },
    signer: 'public-pem',
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] HS256 signed with the issuer public JWK',
    header: { alg: 'HS256' },
    signer: 'public-jwk',
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] alg not on the issuer list',
    trust: { algorithms: ['RS256'] },
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] alg not on the context allow-list',
    ctx: { algorithms: ['EdDSA'] },
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] bad signature: another key with the same kid',
    signer: 'attacker',
    code: 'ERR_ID_JAG_SIGNATURE',
  },
  { name: '2(d).4 [#16] unknown kid', header: { kid: 'idp-9' }, code: 'ERR_ID_JAG_KEY_NOT_FOUND' },
  {
    name: '2(d).4 [#16] x5u header',
    header: { x5u: 'https://evil.example/cert.pem' },
    code: 'ERR_ID_JAG_KEY_REFERENCE',
    detail: /x5u/,
  },
  {
    name: '2(d).4 [#16] x5c header',
    header: { x5c: ['MIIBszCCAVmgAwIBAgIUY'] },
    code: 'ERR_ID_JAG_KEY_REFERENCE',
  },
  // 2(d).5 [#17]
  {
    name: '2(d).5 [#17] aud with two values',
    claims: { aud: [RAS, 'https://other.example'] },
    code: 'ERR_ID_JAG_AUDIENCE',
    detail: /2 values/,
  },
  {
    name: '2(d).5 [#17] aud is the token endpoint',
    claims: { aud: TOKEN_URL },
    code: 'ERR_ID_JAG_AUDIENCE',
    detail: /token endpoint/,
  },
  {
    name: '2(d).5 [#17] aud is another AS issuer',
    claims: { aud: 'https://as.other.example' },
    code: 'ERR_ID_JAG_AUDIENCE',
    detail: /another audience/,
  },
  { name: '2(d).5 [#17] aud with a trailing slash', claims: { aud: `${RAS}/` }, code: 'ERR_ID_JAG_AUDIENCE' },
  { name: '2(d).5 [#17] aud missing', drop: ['aud'], code: 'ERR_ID_JAG_AUDIENCE' },
  { name: '2(d).5 [#17] aud empty array', claims: { aud: [] }, code: 'ERR_ID_JAG_AUDIENCE' },
  // 2(d).6 [#18]
  { name: '2(d).6 [#18] expired', claims: { iat: NOW - 400, exp: NOW - 100 }, code: 'ERR_ID_JAG_EXPIRED' },
  {
    name: '2(d).6 [#18] expired exactly at exp + skew',
    claims: { iat: NOW - 330, exp: NOW - 30 },
    code: 'ERR_ID_JAG_EXPIRED',
  },
  {
    name: '2(d).6 [#18] expired with skew 0',
    claims: { iat: NOW - 300, exp: NOW },
    ctx: { clockSkew: 0 },
    code: 'ERR_ID_JAG_EXPIRED',
  },
  { name: '2(d).6 [#18] far-future exp', claims: { iat: NOW, exp: NOW + 86_400 }, code: 'ERR_ID_JAG_LIFETIME' },
  {
    name: '2(d).6 [#18] lifetime one second above the cap',
    claims: { iat: NOW - 10, exp: NOW + 891 },
    code: 'ERR_ID_JAG_LIFETIME',
  },
  {
    name: '2(d).6 [#18] lifetime above a stricter cap',
    claims: { iat: NOW, exp: NOW + 300 },
    ctx: { maxLifetime: 120 },
    code: 'ERR_ID_JAG_LIFETIME',
  },
  {
    name: '2(d).6 [#18] iat in the future',
    claims: { iat: NOW + 60, exp: NOW + 300 },
    code: 'ERR_ID_JAG_NOT_YET_VALID',
    detail: /iat/,
  },
  {
    name: '2(d).6 [#18] nbf in the future',
    claims: { nbf: NOW + 120 },
    code: 'ERR_ID_JAG_NOT_YET_VALID',
    detail: /nbf/,
  },
  {
    name: '2(d).6 [#18] iat older than maxAge',
    claims: { iat: NOW - 200 },
    ctx: { maxAge: 60 },
    code: 'ERR_ID_JAG_EXPIRED',
  },
  {
    name: '2(d).6 [#18] exp not after iat',
    claims: { iat: NOW - 5, exp: NOW - 5 },
    ctx: { clockSkew: 30 },
    code: 'ERR_ID_JAG_CLAIM_INVALID',
  },
  { name: '2(d).6 [#18] exp is a string', claims: { exp: String(NOW + 100) }, code: 'ERR_ID_JAG_CLAIM_INVALID' },
  { name: '2(d).6 [#18] missing exp', drop: ['exp'], code: 'ERR_ID_JAG_CLAIM_MISSING', detail: /exp/ },
  { name: '2(d).6 [#18] missing iat', drop: ['iat'], code: 'ERR_ID_JAG_CLAIM_MISSING', detail: /iat/ },
  // 2(d).7 [#18]
  { name: '2(d).7 [#18] missing jti', drop: ['jti'], code: 'ERR_ID_JAG_CLAIM_MISSING', detail: /jti/ },
  { name: '2(d).7 [#18] missing sub', drop: ['sub'], code: 'ERR_ID_JAG_CLAIM_MISSING', detail: /sub/ },
  {
    name: '2(d).7 [#18] missing client_id',
    drop: ['client_id'],
    code: 'ERR_ID_JAG_CLAIM_MISSING',
    detail: /client_id/,
  },
  { name: '2(d).7 [#18] jti is a number', claims: { jti: 42 }, code: 'ERR_ID_JAG_CLAIM_INVALID' },
  { name: '2(d).7 [#18] sub is empty', claims: { sub: '' }, code: 'ERR_ID_JAG_CLAIM_INVALID' },
  { name: '2(d).7 [#18] amr is a string', claims: { amr: 'pwd' }, code: 'ERR_ID_JAG_CLAIM_INVALID', detail: /amr/ },
  // 2(d).8 [#20]
  { name: '2(d).8 [#20] client_id of another client', claims: { client_id: 'client-b' }, code: 'ERR_ID_JAG_CLIENT' },
  {
    name: '2(d).8 [#20] client not allowed by the issuer trust',
    trust: { clients: ['client-b'] },
    code: 'ERR_ID_JAG_CLIENT',
    detail: /trust/,
  },
  // 2(d).9 [#23]
  { name: '2(d).9 [#23] tenant mismatch', claims: { tenant: 'globex' }, code: 'ERR_ID_JAG_TENANT' },
  { name: '2(d).9 [#23] tenant missing where the trust expects one', drop: ['tenant'], code: 'ERR_ID_JAG_TENANT' },
  {
    name: '2(d).9 [#23] tenant differs from the request context',
    ctx: { tenant: 'initech' },
    code: 'ERR_ID_JAG_TENANT',
  },
  {
    name: '2(d).9 [#23] aud_tenant mismatch',
    claims: { aud_tenant: 't-2' },
    ctx: { audTenant: 't-1' },
    code: 'ERR_ID_JAG_TENANT',
  },
  // 2(d).10 [#24]
  {
    name: '2(d).10 [#24] saml-nameid sub_id without nameid',
    claims: { sub_id: { format: 'saml-nameid', issuer: SAML_ISSUER } },
    trust: { samlIssuers: [SAML_ISSUER] },
    code: 'ERR_ID_JAG_SUB_ID',
  },
  {
    name: '2(d).10 [#24] sub_id.issuer not associated with iss never establishes trust',
    claims: { sub_id: { format: 'saml-nameid', issuer: 'https://evil.example/saml', nameid: 'alice' } },
    trust: { samlIssuers: [SAML_ISSUER] },
    code: 'ERR_ID_JAG_SUB_ID',
  },
  { name: '2(d).10 [#24] sub_id required but missing', ctx: { requireSubId: true }, code: 'ERR_ID_JAG_SUB_ID' },
  {
    name: '2(d).10 [#24] sub_id email without email',
    claims: { sub_id: { format: 'email' } },
    code: 'ERR_ID_JAG_SUB_ID',
  },
  // 2(d).11 [#25]
  { name: '2(d).11 [#25] cnf without a DPoP proof', claims: { cnf: { jkt: 'A'.repeat(43) } }, code: 'ERR_ID_JAG_CNF' },
  {
    name: '2(d).11 [#25] cnf thumbprint mismatch',
    claims: { cnf: { jkt: 'A'.repeat(43) } },
    ctx: { dpopJkt: 'B'.repeat(43) },
    code: 'ERR_ID_JAG_CNF',
    detail: /differs/,
  },
  {
    name: '2(d).11 [#25] cnf with an mTLS binding only',
    claims: { cnf: { 'x5t#S256': 'A'.repeat(43) } },
    code: 'ERR_ID_JAG_CNF',
  },
  { name: '2(d).11 [#25] DPoP required, none presented', ctx: { requireDpop: true }, code: 'ERR_ID_JAG_CNF' },
  // 2(d).12 [#21]
  {
    name: '2(d).12 [#21] resource not served here',
    claims: { resource: 'https://mcp.other.example' },
    code: 'ERR_ID_JAG_RESOURCE',
  },
  {
    name: '2(d).12 [#21] one of two resources not served here',
    claims: { resource: [RESOURCE, 'https://x.example'] },
    code: 'ERR_ID_JAG_RESOURCE',
  },
  {
    name: '2(d).12 [#21] resource missing when required',
    drop: ['resource'],
    code: 'ERR_ID_JAG_RESOURCE',
    detail: /missing/,
  },
  {
    name: '2(d).12 [#21] resource with a fragment',
    claims: { resource: `${RESOURCE}#x` },
    code: 'ERR_ID_JAG_RESOURCE',
  },
  {
    name: '2(d).12 [#21] resource refused by a predicate',
    ctx: { resources: (r: string) => r.startsWith('https://mcp.other.example') },
    code: 'ERR_ID_JAG_RESOURCE',
  },
  // 2(d).13 [#22]
  {
    name: '2(d).13 [#22] scope with empty tokens',
    claims: { scope: 'chat.read  chat.history' },
    code: 'ERR_ID_JAG_SCOPE',
  },
  { name: '2(d).13 [#22] scope with a quote character', claims: { scope: 'chat."read' }, code: 'ERR_ID_JAG_SCOPE' },
  { name: '2(d).13 [#22] scope as an array', claims: { scope: ['chat.read'] }, code: 'ERR_ID_JAG_SCOPE' },
]

describe('verifyIdJag attacks', () => {
  for (const a of attacks) {
    test(`${a.name} attack`, async () => {
      const assertion = await build(a)
      const err = await verifyIdJag(assertion, ctx(a.ctx, trust(a.trust))).catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'ProtocolError', code: a.code, oauthError: 'invalid_grant' })
      const { message, detail, rule } = err as { message: string; detail: string; rule: string }
      expect(rule).toMatch(/^2\((c|d)\)/)
      if (a.detail) expect(detail).toMatch(a.detail)
      // Never the token, nor its signature, in the public or the private text.
      for (const text of [message, detail]) {
        expect(text).not.toContain(assertion)
        expect(text).not.toContain(assertion.split('.')[2] || '\u0000')
      }
    })
  }
})

describe('verifyIdJag: keys named by the token are never fetched', () => {
  test('2(d).4 [#16] jku pointing to an attacker server attack', async () => {
    const genuine = await startJwksServer({ keys: [idp.publicJwk] })
    try {
      const keys = createJwksCache({ uri: genuine.url })
      const before = attackerServer.requests
      const assertion = await forge({ ...HEADER, jku: attackerServer.url }, claims(), attacker.privateKey)
      const err = await verifyIdJag(assertion, ctx({}, trust({ keys }))).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'ERR_ID_JAG_KEY_REFERENCE', oauthError: 'invalid_grant', detail: /jku/ })
      expect(attackerServer.requests).toBe(before)
      expect(genuine.requests).toBe(0)
    } finally {
      await genuine.close()
    }
  })

  test('2(d).4 [#16] embedded jwk of the attacker key attack', async () => {
    const { alg, kid, ...jwk } = attacker.publicJwk
    void alg
    void kid
    const assertion = await forge({ ...HEADER, jwk }, claims(), attacker.privateKey)
    const err = await verifyIdJag(assertion, ctx()).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_KEY_REFERENCE', oauthError: 'invalid_grant', detail: /jwk/ })
  })
})

describe('verifyIdJag: malformed input', () => {
  const cases: [string, string][] = [
    ['not a JWT', 'hello'],
    ['a JWE (five parts)', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'],
    ['four parts', 'a.b.c.d'],
    ['header not JSON', 'bm90LWpzb24.e30.c2ln'],
    ['payload is an array', 'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWlkLWphZytqd3QifQ.W10.c2ln'],
    ['header with enc', 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0.e30.c2ln'],
  ]
  for (const [name, assertion] of cases) {
    test(`2(d).2 [#15] ${name} attack`, async () => {
      const err = await verifyIdJag(assertion, ctx()).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'ERR_ID_JAG_MALFORMED', oauthError: 'invalid_grant' })
    })
  }
})
