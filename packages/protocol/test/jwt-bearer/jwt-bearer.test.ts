import { describe, expect, test } from 'vitest'
import {
  accessTokenResponse,
  buildAccessTokenResponse,
  buildJwtBearerRequest,
  FORM_MEDIA_TYPE,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_JWT_DPOP,
  GRANT_TYPE_TOKEN_EXCHANGE,
  JWT_BEARER_REPEATABLE_PARAMETERS,
  type JwtBearerRequestOptions,
  parseForm,
  parseJwtBearerRequest,
  processAccessTokenResponse,
  ResponseValidationError,
} from '../../src/index.js'

function parse(body: string, options?: JwtBearerRequestOptions) {
  return parseJwtBearerRequest(
    parseForm(body, FORM_MEDIA_TYPE, { repeatable: JWT_BEARER_REPEATABLE_PARAMETERS }),
    options,
  )
}

const q = (o: Record<string, string | string[]>) => {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x)
  return p.toString()
}

describe('parseJwtBearerRequest', () => {
  test('2(d) the spec example with resource and scope', () => {
    expect(
      parse(
        q({
          grant_type: GRANT_TYPE_JWT_BEARER,
          assertion: 'a.b.c',
          scope: 'x y x',
          resource: ['https://mcp.example/mcp', 'https://mcp.example/mcp'],
          client_id: 'c',
        }),
      ),
    ).toEqual({
      grantType: GRANT_TYPE_JWT_BEARER,
      assertion: 'a.b.c',
      scopes: ['x', 'y'],
      resources: ['https://mcp.example/mcp'],
    })
  })

  test('2(d) project decision 8: jwt-dpop is an accepted alias', () => {
    expect(parse(q({ grant_type: GRANT_TYPE_JWT_DPOP, assertion: 'a.b.c' }))).toMatchObject({
      grantType: GRANT_TYPE_JWT_DPOP,
      resources: [],
      scopes: undefined,
    })
  })

  const attacks: { name: string; body: string; code: string; oauthError: string; options?: JwtBearerRequestOptions }[] =
    [
      {
        name: 'RFC 6749 4.5 grant_type missing',
        body: q({ assertion: 'a.b.c' }),
        code: 'ERR_PARAMETER_MISSING',
        oauthError: 'invalid_request',
      },
      {
        name: 'RFC 7523 2.1 grant_type is token exchange',
        body: q({ grant_type: GRANT_TYPE_TOKEN_EXCHANGE, assertion: 'a.b.c' }),
        code: 'ERR_UNSUPPORTED_GRANT_TYPE',
        oauthError: 'unsupported_grant_type',
      },
      {
        name: 'RFC 7523 2.1 jwt-dpop when the alias is off',
        body: q({ grant_type: GRANT_TYPE_JWT_DPOP, assertion: 'a.b.c' }),
        options: { allowJwtDpop: false },
        code: 'ERR_UNSUPPORTED_GRANT_TYPE',
        oauthError: 'unsupported_grant_type',
      },
      {
        name: 'RFC 7523 2.1 assertion missing',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER }),
        code: 'ERR_PARAMETER_MISSING',
        oauthError: 'invalid_request',
      },
      {
        name: 'RFC 7523 2.1 assertion empty',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: '' }),
        code: 'ERR_PARAMETER_MISSING',
        oauthError: 'invalid_request',
      },
      {
        name: 'RFC 6749 3.1 two assertions',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: ['a.b.c', 'd.e.f'] }),
        code: 'ERR_FORM_REPEATED_PARAMETER',
        oauthError: 'invalid_request',
      },
      {
        name: 'RFC 8707 2 resource with a fragment',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'a.b.c', resource: 'https://mcp.example/#f' }),
        code: 'ERR_RESOURCE_INVALID',
        oauthError: 'invalid_target',
      },
      {
        name: 'RFC 8707 2 resource is relative',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'a.b.c', resource: 'mcp.example/mcp' }),
        code: 'ERR_RESOURCE_INVALID',
        oauthError: 'invalid_target',
      },
      {
        name: 'RFC 6749 3.3 scope with a quote',
        body: q({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'a.b.c', scope: 'a"' }),
        code: 'ERR_SCOPE_INVALID',
        oauthError: 'invalid_scope',
      },
    ]
  for (const a of attacks) {
    test(a.name, () => {
      let err: unknown
      try {
        parse(a.body, a.options)
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: a.code, oauthError: a.oauthError })
    })
  }

  test('build -> parse round trip', () => {
    const body = buildJwtBearerRequest({
      assertion: 'a.b.c',
      resources: ['https://mcp.example/mcp'],
      scopes: ['files:read', 'files:write'],
    })
    expect(parse(body.toString())).toEqual({
      grantType: GRANT_TYPE_JWT_BEARER,
      assertion: 'a.b.c',
      scopes: ['files:read', 'files:write'],
      resources: ['https://mcp.example/mcp'],
    })
    expect(() => buildJwtBearerRequest({ assertion: '' })).toThrow(TypeError)
  })
})

describe('access token responses', () => {
  test('2(d) [#26] body always has token_type and scope, never refresh_token', () => {
    const body = buildAccessTokenResponse({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 300,
      scopes: ['a', 'b'],
    })
    expect(body).toEqual({ access_token: 'at', token_type: 'Bearer', expires_in: 300, scope: 'a b' })
    expect(
      buildAccessTokenResponse({
        accessToken: 'at',
        tokenType: 'DPoP',
        expiresIn: 1,
        scopes: [],
        issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      }),
    ).toEqual({
      access_token: 'at',
      token_type: 'DPoP',
      expires_in: 1,
      scope: '',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    })
  })

  test('builder refuses impossible values', () => {
    expect(() => buildAccessTokenResponse({ accessToken: '', tokenType: 'Bearer', expiresIn: 1, scopes: [] })).toThrow(
      TypeError,
    )
    expect(() =>
      buildAccessTokenResponse({ accessToken: 'a', tokenType: 'Bearer', expiresIn: -5, scopes: [] }),
    ).toThrow(TypeError)
    expect(() =>
      buildAccessTokenResponse({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 1, scopes: ['a b'] }),
    ).toThrow(TypeError)
    expect(() =>
      buildAccessTokenResponse({ accessToken: 'a', tokenType: 'mac' as 'Bearer', expiresIn: 1, scopes: [] }),
    ).toThrow(TypeError)
  })

  test('RFC 6749 5.1 HTTP answer with no-store, and the round trip through processAccessTokenResponse', async () => {
    const res = accessTokenResponse({ accessToken: 'at', tokenType: 'DPoP', expiresIn: 300, scopes: ['a'] })
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    expect(processAccessTokenResponse(await res.json(), { expectedTokenType: 'DPoP' })).toEqual({
      accessToken: 'at',
      tokenType: 'DPoP',
      expiresIn: 300,
      scopes: ['a'],
      issuedTokenType: undefined,
    })
  })

  test('RFC 6749 7.1 token_type is case-insensitive and normalised', () => {
    expect(processAccessTokenResponse({ access_token: 'x', token_type: 'bearer' }).tokenType).toBe('Bearer')
    expect(processAccessTokenResponse({ access_token: 'x', token_type: 'DPOP' }).tokenType).toBe('DPoP')
  })

  const good = { access_token: 'at', token_type: 'Bearer', expires_in: 300, scope: 'a' }
  const defects: { name: string; json: unknown; code: string; expect?: 'Bearer' | 'DPoP' }[] = [
    { name: 'not an object', json: 'at', code: 'ERR_RESPONSE_MALFORMED' },
    { name: 'RFC 6749 5.2 error body', json: { error: 'invalid_grant' }, code: 'ERR_RESPONSE_OAUTH_ERROR' },
    { name: 'token_type missing', json: { ...good, token_type: undefined }, code: 'ERR_RESPONSE_TOKEN_TYPE' },
    { name: 'token_type N_A', json: { ...good, token_type: 'N_A' }, code: 'ERR_RESPONSE_TOKEN_TYPE' },
    {
      name: 'RFC 9449 5 Bearer when DPoP was asked for (downgrade)',
      json: good,
      code: 'ERR_RESPONSE_TOKEN_TYPE',
      expect: 'DPoP',
    },
    { name: 'access_token empty', json: { ...good, access_token: '' }, code: 'ERR_RESPONSE_ACCESS_TOKEN' },
    { name: 'expires_in is NaN-like', json: { ...good, expires_in: 'soon' }, code: 'ERR_RESPONSE_EXPIRES_IN' },
    { name: 'scope with a backslash', json: { ...good, scope: 'a\\b' }, code: 'ERR_RESPONSE_SCOPE' },
    {
      name: 'issued_token_type is a number',
      json: { ...good, issued_token_type: 1 },
      code: 'ERR_RESPONSE_ISSUED_TOKEN_TYPE',
    },
  ]
  for (const d of defects) {
    test(`2(d) client refuses: ${d.name}`, () => {
      let err: unknown
      try {
        processAccessTokenResponse(d.json, d.expect ? { expectedTokenType: d.expect } : {})
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ResponseValidationError)
      expect(err).toMatchObject({ code: d.code })
    })
  }
})
