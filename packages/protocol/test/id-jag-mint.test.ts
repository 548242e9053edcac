import { decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose'
import { describe, expect, test } from 'vitest'
import { ID_JAG_DEFAULT_LIFETIME, type MintIdJagInput, mintIdJag, parseScope } from '../src/index.js'
import { CLIENT, IDP, idp, NOW, RAS, RESOURCE, SAML_ISSUER } from './support/id-jag.js'

const input: MintIdJagInput = { iss: IDP, sub: 'U1', aud: RAS, client_id: CLIENT }

describe('mintIdJag', () => {
  test('2(c) [#5] header is { alg, kid, typ: oauth-id-jag+jwt } and every REQUIRED claim is present', async () => {
    const token = await mintIdJag({ ...input, resource: RESOURCE, scope: 'a b', tenant: 'acme' }, idp, { now: NOW })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'idp-1', typ: 'oauth-id-jag+jwt' })
    const payload = decodeJwt(token)
    expect(payload).toMatchObject({ iss: IDP, sub: 'U1', aud: RAS, client_id: CLIENT, iat: NOW, exp: NOW + 300 })
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Object.keys(payload).slice(0, 7)).toEqual(['iss', 'sub', 'aud', 'client_id', 'jti', 'iat', 'exp'])
  })

  test('2(c) [#5] jti is unique per issuance', async () => {
    const jtis = new Set<unknown>()
    for (let i = 0; i < 20; i++) jtis.add(decodeJwt(await mintIdJag(input, idp, { now: NOW })).jti)
    expect(jtis.size).toBe(20)
  })

  test('2(c) [#6] a one-element aud array is written as the issuer string', async () => {
    expect(decodeJwt(await mintIdJag({ ...input, aud: [RAS] }, idp, { now: NOW })).aud).toBe(RAS)
  })

  test('explicit jti, iat, expiresIn and extra ID Token claims are kept', async () => {
    const token = await mintIdJag({ ...input, jti: 'j-1', iat: NOW - 5, expiresIn: 60, extra: { name: 'Ann' } }, idp, {
      now: NOW,
    })
    expect(decodeJwt(token)).toMatchObject({ jti: 'j-1', iat: NOW - 5, exp: NOW + 55, name: 'Ann' })
    expect(ID_JAG_DEFAULT_LIFETIME).toBe(300)
  })

  test('optional claims of 2(c) are written when well-formed', async () => {
    const optional = {
      sub_id: { format: 'saml-nameid', issuer: SAML_ISSUER, nameid: 'alice' },
      resource: [RESOURCE],
      scope: 'chat.read',
      authorization_details: [{ type: 'chat', actions: ['read'] }],
      act: { sub: 'agent-7' },
      tenant: 'acme',
      auth_time: NOW - 100,
      acr: 'urn:acr:mfa',
      amr: ['pwd', 'otp'],
      aud_tenant: 't-1',
      aud_sub: 'acct-9',
      email: 'ann@acme.example',
      cnf: { jkt: 'A'.repeat(43) },
    } satisfies Partial<MintIdJagInput>
    const payload = decodeJwt(await mintIdJag({ ...input, ...optional }, idp, { now: NOW }))
    expect(payload).toMatchObject(optional)
  })

  const refusals: [string, Record<string, unknown>, RegExp, object?][] = [
    ['missing iss', { iss: undefined }, /"iss"/],
    ['non-URL issuer', { iss: 'acme-idp' }, /"iss" is not a URL/],
    ['issuer with a query', { iss: `${IDP}?x=1` }, /"iss" has a query/],
    ['issuer with a fragment', { iss: `${IDP}#f` }, /"iss" has a fragment/],
    ['ftp issuer', { iss: 'ftp://idp.example' }, /"iss" is not an https URL/],
    ['missing sub', { sub: undefined }, /"sub" is required/],
    ['empty sub', { sub: '' }, /"sub"/],
    ['missing aud', { aud: undefined }, /"aud"/],
    ['aud with two elements', { aud: [RAS, 'https://b.example'] }, /"aud" must be exactly one/],
    ['empty aud array', { aud: [] }, /"aud"/],
    ['non-URL aud', { aud: 'chat-as' }, /"aud" is not a URL/],
    ['missing client_id', { client_id: undefined }, /"client_id" is required/],
    ['empty jti', { jti: '' }, /"jti"/],
    ['lifetime above the cap', { expiresIn: 901 }, /"exp" lifetime 901 s exceeds the cap of 900 s/],
    ['lifetime above a stricter cap', { expiresIn: 120 }, /cap of 60 s/, { maxLifetime: 60 }],
    ['zero lifetime', { expiresIn: 0 }, /"exp"/],
    ['iat in the future', { iat: NOW + 1 }, /"iat" must not be in the future/],
    ['already expired', { iat: NOW - 400, expiresIn: 300 }, /"exp" would already be in the past/],
    ['empty scope', { scope: '' }, /"scope"/],
    ['scope with empty tokens', { scope: 'a  b' }, /"scope"/],
    ['scope with a trailing space', { scope: 'a ' }, /"scope"/],
    ['resource with a fragment', { resource: `${RESOURCE}#x` }, /"resource"/],
    ['relative resource', { resource: '/mcp' }, /"resource"/],
    ['empty resource array', { resource: [] }, /"resource"/],
    ['saml-nameid sub_id without nameid', { sub_id: { format: 'saml-nameid', issuer: SAML_ISSUER } }, /"sub_id"/],
    ['cnf with a bad jkt', { cnf: { jkt: 'short' } }, /"cnf"/],
    ['amr as a string', { amr: 'pwd' }, /"amr"/],
    ['authorization_details without type', { authorization_details: [{ actions: [] }] }, /"authorization_details"/],
    ['nbf after exp', { nbf: NOW + 1000 }, /"nbf" must be before exp/],
    ['auth_time in the future', { auth_time: NOW + 10 }, /"auth_time"/],
    ['extra repeating a registered claim', { extra: { aud: 'https://x.example' } }, /"aud" is a registered/],
    ['extra repeating scope', { extra: { scope: 'admin' } }, /"scope" is a registered/],
  ]
  for (const [name, override, message, options] of refusals) {
    test(`refuses to mint: ${name}`, async () => {
      const bad = { ...input, ...override } as MintIdJagInput
      await expect(mintIdJag(bad, idp, { now: NOW, ...options })).rejects.toThrow(message)
      await expect(mintIdJag(bad, idp, { now: NOW, ...options })).rejects.toBeInstanceOf(TypeError)
    })
  }

  test('refuses a key without kid, with an unsupported alg, or a public key', async () => {
    await expect(mintIdJag(input, { ...idp, kid: '' }, { now: NOW })).rejects.toThrow(/kid/)
    await expect(mintIdJag(input, { ...idp, alg: 'HS256' as 'ES256' }, { now: NOW })).rejects.toThrow(/alg/)
    await expect(mintIdJag(input, { ...idp, privateKey: idp.publicKey }, { now: NOW })).rejects.toThrow(/private/)
    const { privateKey } = await generateKeyPair('ES256')
    await expect(mintIdJag(input, { kid: 'x', alg: 'ES256', privateKey }, { now: -1 })).rejects.toThrow(/now/)
  })
})

describe('parseScope', () => {
  test('splits RFC 6749 scope strings and refuses malformed ones', () => {
    expect(parseScope('a b a')).toEqual(['a', 'b'])
    for (const bad of ['', ' a', 'a ', 'a  b', 'a\tb', 'a"b', 'a\\b', 'é'])
      expect(() => parseScope(bad)).toThrow(TypeError)
  })
})
