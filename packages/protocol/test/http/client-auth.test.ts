import { describe, expect, test } from 'vitest'
import {
  buildBasicAuthorization,
  CLIENT_ASSERTION_TYPE_JWT_BEARER,
  FORM_MEDIA_TYPE,
  parseClientAuthentication,
  parseForm,
} from '../../src/index.js'

// A syntactically valid (unsigned) JWT whose sub is "client-a": parseClientAuthentication only reads it.
const ASSERTION = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: 'client-a', sub: 'client-a' })).toString('base64url')}.c2ln`

function parse(form: Record<string, string>, headers: Record<string, string> = {}) {
  return parseClientAuthentication(
    new Headers(headers),
    parseForm(new URLSearchParams(form).toString(), FORM_MEDIA_TYPE),
  )
}

function basic(raw: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(raw, 'utf8').toString('base64')}` }
}

describe('parseClientAuthentication', () => {
  test('client_secret_basic', () => {
    expect(parse({ grant_type: 'x' }, basic('client-a:s3cret'))).toEqual({
      method: 'client_secret_basic',
      clientId: 'client-a',
      clientSecret: 's3cret',
    })
  })

  test('RFC 6749 2.3.1 Basic user and password are form-decoded', () => {
    expect(parse({}, basic('https%3A%2F%2Fclient.example%2Fc.json:p%3Aw+d%25'))).toMatchObject({
      clientId: 'https://client.example/c.json',
      clientSecret: 'p:w d%',
    })
  })

  test('Basic with the scheme in lower case and a matching form client_id', () => {
    const header = { authorization: `basic ${Buffer.from('client-a:x').toString('base64')}` }
    expect(parse({ client_id: 'client-a' }, header)).toMatchObject({ method: 'client_secret_basic' })
  })

  test('client_secret_post', () => {
    expect(parse({ client_id: 'client-a', client_secret: 's3cret' })).toEqual({
      method: 'client_secret_post',
      clientId: 'client-a',
      clientSecret: 's3cret',
    })
  })

  test('private_key_jwt takes the client from the assertion sub', () => {
    expect(parse({ client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER, client_assertion: ASSERTION })).toEqual({
      method: 'private_key_jwt',
      clientId: 'client-a',
      clientAssertion: ASSERTION,
    })
  })

  test('none: a public client names itself', () => {
    expect(parse({ client_id: 'public-1' })).toEqual({ method: 'none', clientId: 'public-1' })
  })

  test('an empty client_secret is an absent one (RFC 6749 3.1)', () => {
    expect(parse({ client_id: 'c', client_secret: '' })).toEqual({ method: 'none', clientId: 'c' })
  })

  const attacks = [
    {
      name: 'RFC 6749 2.3 Basic and client_secret_post at once',
      form: { client_id: 'client-a', client_secret: 'x' },
      headers: basic('client-a:x'),
      code: 'ERR_CLIENT_AUTH_MULTIPLE',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 6749 2.3 client_secret and client_assertion at once',
      form: {
        client_id: 'client-a',
        client_secret: 'x',
        client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER,
        client_assertion: ASSERTION,
      },
      code: 'ERR_CLIENT_AUTH_MULTIPLE',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 6749 2.3 Basic and client_assertion at once',
      form: { client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER, client_assertion: ASSERTION },
      headers: basic('client-a:x'),
      code: 'ERR_CLIENT_AUTH_MULTIPLE',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 6749 2.3.1 Basic is not base64',
      form: {},
      headers: { authorization: 'Basic ***' },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic base64 without padding',
      form: {},
      headers: { authorization: 'Basic YTpiYw' },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic without a colon',
      form: {},
      headers: basic('client-a'),
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic with an empty client id',
      form: {},
      headers: basic(':secret'),
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic with an empty secret',
      form: {},
      headers: basic('client-a:'),
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic with bad percent-encoding',
      form: {},
      headers: basic('client%zz:x'),
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic decoding to invalid UTF-8',
      form: {},
      headers: { authorization: `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}` },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3.1 Basic without credentials',
      form: {},
      headers: { authorization: 'Basic' },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3 a Bearer header at the token endpoint',
      form: {},
      headers: { authorization: 'Bearer abc' },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 3.2.1 form client_id differs from Basic',
      form: { client_id: 'client-b' },
      headers: basic('client-a:x'),
      code: 'ERR_CLIENT_ID_MISMATCH',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 6749 3.2.1 form client_id differs from the assertion sub',
      form: {
        client_id: 'client-b',
        client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER,
        client_assertion: ASSERTION,
      },
      code: 'ERR_CLIENT_ID_MISMATCH',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 6749 2.3.1 client_secret without client_id',
      form: { client_secret: 'x' },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 7523 2.2 client_assertion_type is not jwt-bearer',
      form: {
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        client_assertion: ASSERTION,
      },
      code: 'ERR_CLIENT_AUTH_MALFORMED',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 7521 4.2 client_assertion without its type',
      form: { client_assertion: ASSERTION },
      code: 'ERR_PARAMETER_MISSING',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 7521 4.2 client_assertion_type without an assertion',
      form: { client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER },
      code: 'ERR_PARAMETER_MISSING',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 7523 3 client_assertion is not a JWT',
      form: { client_assertion_type: CLIENT_ASSERTION_TYPE_JWT_BEARER, client_assertion: 'not-a-jwt' },
      code: 'ERR_CLIENT_ASSERTION',
      oauthError: 'invalid_client',
    },
    {
      name: 'RFC 6749 2.3 no client authentication at all',
      form: { grant_type: 'x' },
      code: 'ERR_CLIENT_AUTH_MISSING',
      oauthError: 'invalid_client',
    },
  ] as const
  for (const a of attacks) {
    test(a.name, () => {
      let err: unknown
      try {
        parse(a.form, 'headers' in a ? a.headers : {})
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: a.code, oauthError: a.oauthError })
    })
  }

  test('a refusal never echoes the secret', () => {
    let err: Error | undefined
    try {
      parse({ client_id: 'client-b' }, basic('client-a:topsecret'))
    } catch (e) {
      err = e as Error
    }
    expect(`${err?.message} ${(err as { detail?: string }).detail}`).not.toContain('topsecret')
  })
})

describe('buildBasicAuthorization', () => {
  test('RFC 6749 2.3.1 id and secret are form-encoded before base64, and parse back', () => {
    const id = 'https://client.example/c.json'
    const secret = 'p:a s+s%w/ö😀!'
    const header = buildBasicAuthorization(id, secret)
    const raw = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')
    expect(raw).toBe('https%3A%2F%2Fclient.example%2Fc.json:p%3Aa+s%2Bs%25w%2F%C3%B6%F0%9F%98%80%21')
    expect(parse({}, { authorization: header })).toEqual({
      method: 'client_secret_basic',
      clientId: id,
      clientSecret: secret,
    })
  })

  test('refuses empty credentials', () => {
    expect(() => buildBasicAuthorization('', 'x')).toThrow(TypeError)
    expect(() => buildBasicAuthorization('x', '')).toThrow(TypeError)
  })
})
