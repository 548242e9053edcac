import { describe, expect, test } from 'vitest'
import {
  buildTokenExchangeResponse,
  processTokenExchangeResponse,
  ResponseValidationError,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_REFRESH_TOKEN,
  tokenExchangeResponse,
} from '../../src/index.js'

describe('buildTokenExchangeResponse', () => {
  test('2(b) [#10] the success body: id-jag, N_A, expires_in, no scope when granted as requested, no refresh_token', () => {
    const body = buildTokenExchangeResponse({
      idJag: 'eyJ.jag.sig',
      expiresIn: 300,
      requestedScopes: ['b', 'a'],
      grantedScopes: ['a', 'b'],
    })
    expect(body).toEqual({
      issued_token_type: TOKEN_TYPE_ID_JAG,
      access_token: 'eyJ.jag.sig',
      token_type: 'N_A',
      expires_in: 300,
    })
    expect(body).not.toHaveProperty('refresh_token')
  })

  test('2(b) [#8] scope is REQUIRED when the grant was narrowed', () => {
    expect(
      buildTokenExchangeResponse({ idJag: 'j', expiresIn: 300, requestedScopes: ['a', 'b'], grantedScopes: ['a'] })
        .scope,
    ).toBe('a')
  })

  test('RFC 6749 5.1 scope is sent when the client asked for none but some were granted', () => {
    expect(buildTokenExchangeResponse({ idJag: 'j', expiresIn: 300, grantedScopes: ['a', 'b'] }).scope).toBe('a b')
  })

  test('RFC 9396 7 authorization_details are echoed', () => {
    const details = [{ type: 't', actions: ['read'] }]
    expect(
      buildTokenExchangeResponse({ idJag: 'j', expiresIn: 1, authorizationDetails: details }).authorization_details,
    ).toEqual(details)
  })

  test('refuses answers a server must not give', () => {
    expect(() => buildTokenExchangeResponse({ idJag: '', expiresIn: 300 })).toThrow(TypeError)
    expect(() => buildTokenExchangeResponse({ idJag: 'j', expiresIn: 0 })).toThrow(TypeError)
    expect(() => buildTokenExchangeResponse({ idJag: 'j', expiresIn: 1.5 })).toThrow(TypeError)
    expect(() =>
      buildTokenExchangeResponse({ idJag: 'j', expiresIn: 1, requestedScopes: ['a'], grantedScopes: [] }),
    ).toThrow(TypeError)
    expect(() => buildTokenExchangeResponse({ idJag: 'j', expiresIn: 1, authorizationDetails: [] })).toThrow(TypeError)
  })

  test('RFC 6749 5.1 the HTTP answer is 200 JSON with no-store', async () => {
    const res = tokenExchangeResponse({ idJag: 'j', expiresIn: 300 })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toMatchObject({ access_token: 'j', token_type: 'N_A' })
  })
})

describe('processTokenExchangeResponse', () => {
  test('build -> process round trip', async () => {
    const res = tokenExchangeResponse({
      idJag: 'eyJ.jag',
      expiresIn: 300,
      requestedScopes: ['a', 'b'],
      grantedScopes: ['a'],
    })
    expect(processTokenExchangeResponse(await res.json())).toEqual({
      issuedToken: 'eyJ.jag',
      issuedTokenType: TOKEN_TYPE_ID_JAG,
      expiresIn: 300,
      scopes: ['a'],
      authorizationDetails: undefined,
    })
  })

  test('token_type is compared case-insensitively; a refresh_token is ignored', () => {
    const r = processTokenExchangeResponse({
      issued_token_type: TOKEN_TYPE_ID_JAG,
      access_token: 'j',
      token_type: 'n_a',
      refresh_token: 'rt',
    })
    expect(r).toMatchObject({ issuedToken: 'j', expiresIn: undefined })
    expect(r).not.toHaveProperty('refreshToken')
  })

  test('2(f) a refresh token is accepted only when it was asked for', () => {
    const body = {
      issued_token_type: TOKEN_TYPE_REFRESH_TOKEN,
      access_token: 'rt',
      token_type: 'N_A',
      expires_in: 1209600,
    }
    expect(processTokenExchangeResponse(body, { expectedIssuedTokenType: TOKEN_TYPE_REFRESH_TOKEN }).issuedToken).toBe(
      'rt',
    )
    expect(() => processTokenExchangeResponse(body)).toThrow(
      expect.objectContaining({ code: 'ERR_RESPONSE_ISSUED_TOKEN_TYPE' }),
    )
  })

  const good = { issued_token_type: TOKEN_TYPE_ID_JAG, access_token: 'j', token_type: 'N_A', expires_in: 300 }
  const defects: { name: string; json: unknown; code: string }[] = [
    { name: 'body is an array', json: [good], code: 'ERR_RESPONSE_MALFORMED' },
    { name: 'body is null', json: null, code: 'ERR_RESPONSE_MALFORMED' },
    {
      name: 'RFC 6749 5.2 an error body',
      json: { error: 'invalid_grant', error_description: 'nope' },
      code: 'ERR_RESPONSE_OAUTH_ERROR',
    },
    {
      name: 'issued_token_type missing',
      json: { ...good, issued_token_type: undefined },
      code: 'ERR_RESPONSE_ISSUED_TOKEN_TYPE',
    },
    {
      name: 'issued_token_type is access_token',
      json: { ...good, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' },
      code: 'ERR_RESPONSE_ISSUED_TOKEN_TYPE',
    },
    {
      name: 'issued_token_type differs in case (exact match required)',
      json: { ...good, issued_token_type: TOKEN_TYPE_ID_JAG.toUpperCase() },
      code: 'ERR_RESPONSE_ISSUED_TOKEN_TYPE',
    },
    { name: 'token_type is Bearer', json: { ...good, token_type: 'Bearer' }, code: 'ERR_RESPONSE_TOKEN_TYPE' },
    { name: 'token_type missing', json: { ...good, token_type: undefined }, code: 'ERR_RESPONSE_TOKEN_TYPE' },
    { name: 'access_token missing', json: { ...good, access_token: undefined }, code: 'ERR_RESPONSE_ACCESS_TOKEN' },
    { name: 'access_token is a number', json: { ...good, access_token: 1 }, code: 'ERR_RESPONSE_ACCESS_TOKEN' },
    { name: 'expires_in is a string', json: { ...good, expires_in: '300' }, code: 'ERR_RESPONSE_EXPIRES_IN' },
    { name: 'expires_in is negative', json: { ...good, expires_in: -1 }, code: 'ERR_RESPONSE_EXPIRES_IN' },
    { name: 'scope is an array', json: { ...good, scope: ['a'] }, code: 'ERR_RESPONSE_SCOPE' },
    {
      name: 'authorization_details is not an array',
      json: { ...good, authorization_details: { type: 'a' } },
      code: 'ERR_RESPONSE_AUTHORIZATION_DETAILS',
    },
  ]
  for (const d of defects) {
    test(`2(b) client refuses: ${d.name}`, () => {
      let err: unknown
      try {
        processTokenExchangeResponse(d.json)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ResponseValidationError)
      expect(err).toMatchObject({ code: d.code })
    })
  }

  test('an error body exposes the server error and description', () => {
    const err = (() => {
      try {
        processTokenExchangeResponse({ error: 'access_denied', error_description: 'no managed connection' })
      } catch (e) {
        return e
      }
    })()
    expect(err).toMatchObject({ error: 'access_denied', errorDescription: 'no managed connection' })
  })
})
