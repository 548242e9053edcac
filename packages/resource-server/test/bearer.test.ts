// Attack table for the core: every challenge form, every place a token may not travel, every bad token.
import { describe, expect, test } from 'vitest'
import { assertScopes, extractBearerToken } from '../src/index.js'
import {
  forge,
  ISSUER,
  impostor,
  key,
  mint,
  NOW,
  PRM_URL,
  refused,
  request,
  resourceServer,
} from './support/fixtures.js'

const rs = resourceServer()
const token = await mint()
const invalidRequest = (code: string) => ({ status: 400, code, oauthError: 'invalid_request' })

describe('RFC 6750 2: where a token may travel [#37]', () => {
  test('no Authorization header: 401 with resource_metadata and scope, no error information, empty body', async () => {
    const verdict = await rs.authenticate(request())
    const params = refused(verdict, { status: 401, code: 'ERR_BEARER_MISSING', oauthError: 'invalid_token' })
    expect(params).toEqual({ resource_metadata: PRM_URL, scope: 'notes.read notes.write' })
    const res = !verdict.ok ? verdict.response() : undefined
    expect(res?.headers.get('cache-control')).toBe('no-store')
    expect(await res?.text()).toBe('')
  })

  test('the challenge scope names what the operation needs when it needs something', async () => {
    const params = refused(await rs.authenticate(request(), { requiredScopes: ['notes.write'] }), {
      status: 401,
      code: 'ERR_BEARER_MISSING',
      oauthError: 'invalid_token',
    })
    expect(params).toEqual({ resource_metadata: PRM_URL, scope: 'notes.write' })
  })

  test('another scheme (Basic) is no bearer credential: plain 401 challenge', async () => {
    const verdict = await rs.authenticate(request({ headers: { authorization: 'Basic YTpi' } }))
    expect(refused(verdict, { status: 401, code: 'ERR_BEARER_MISSING', oauthError: 'invalid_token' })).toEqual({
      resource_metadata: PRM_URL,
      scope: 'notes.read notes.write',
    })
  })

  const attacks = [
    {
      name: 'token in the query string',
      req: () => request({ url: `${'https://notes.example/mcp'}?access_token=${token}` }),
      code: 'ERR_BEARER_IN_QUERY',
    },
    {
      name: 'token in a form body',
      req: () =>
        request({
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `access_token=${token}`,
        }),
      code: 'ERR_BEARER_IN_BODY',
    },
    {
      name: 'header and query string at once',
      req: () =>
        request({
          url: `https://notes.example/mcp?access_token=${token}`,
          headers: { authorization: `Bearer ${token}` },
        }),
      code: 'ERR_BEARER_MULTIPLE_METHODS',
    },
    {
      name: 'header and form body at once',
      req: () =>
        request({
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          },
          body: `access_token=${token}`,
        }),
      code: 'ERR_BEARER_MULTIPLE_METHODS',
    },
    {
      name: 'Bearer without a token',
      req: () => request({ headers: { authorization: 'Bearer' } }),
      code: 'ERR_BEARER_MALFORMED',
    },
    {
      name: 'two tokens in one header',
      req: () => request({ headers: { authorization: `Bearer ${token} ${token}` } }),
      code: 'ERR_BEARER_MALFORMED',
    },
    {
      name: 'two Authorization headers (joined by fetch)',
      req: () => {
        const headers = new Headers({ 'content-type': 'application/json' })
        headers.append('authorization', `Bearer ${token}`)
        headers.append('authorization', `Bearer ${token}`)
        return new Request('https://notes.example/mcp', { method: 'POST', headers, body: '{}' })
      },
      code: 'ERR_BEARER_MALFORMED',
    },
    {
      name: 'characters outside b64token',
      req: () => request({ headers: { authorization: 'Bearer abc"def' } }),
      code: 'ERR_BEARER_MALFORMED',
    },
  ]
  for (const a of attacks) {
    test(`${a.name}: 400 invalid_request`, async () => {
      const verdict = await rs.authenticate(a.req())
      const params = refused(verdict, invalidRequest(a.code))
      expect(params).toMatchObject({ error: 'invalid_request', resource_metadata: PRM_URL })
      if (!verdict.ok) {
        expect(JSON.parse(verdict.body)).toMatchObject({ error: 'invalid_request' })
        expect(`${verdict.challenge} ${verdict.body} ${verdict.error.detail}`).not.toContain(token)
      }
    })
  }

  test('a JSON body that mentions access_token is data, not a credential', async () => {
    const verdict = await rs.authenticate(
      request({ headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ access_token: 'x' }) }),
    )
    expect(verdict.ok).toBe(true)
  })

  test('extractBearerToken accepts any scheme case and trailing padding', () => {
    const parts = { query: new URLSearchParams(), form: undefined }
    expect(extractBearerToken({ ...parts, authorization: ['bearer abc.def-_~+/=='] })).toBe('abc.def-_~+/==')
  })
})

describe('2(e) [#36] token checks: 401 invalid_token with error and description', () => {
  const attacks = [
    { name: 'expired beyond the skew', token: () => mint({}, key, NOW - 331), code: 'ERR_ACCESS_TOKEN_EXPIRED' },
    {
      name: 'audience is another resource',
      token: () => mint({ aud: 'https://tasks.example/mcp' }),
      code: 'ERR_ACCESS_TOKEN_AUDIENCE',
    },
    {
      name: 'issuer is not trusted',
      token: () => mint({ iss: 'https://evil.example' }),
      code: 'ERR_ACCESS_TOKEN_ISSUER',
    },
    {
      name: 'signed by another key under the genuine kid',
      token: () => mint({}, impostor),
      code: 'ERR_ACCESS_TOKEN_SIGNATURE',
    },
    { name: 'unknown kid', token: () => forge({ kid: 'other' }, {}), code: 'ERR_ACCESS_TOKEN_SIGNATURE' },
    { name: 'typ is an ID-JAG', token: () => forge({ typ: 'oauth-id-jag+jwt' }, {}), code: 'ERR_ACCESS_TOKEN_TYP' },
    { name: 'typ is plain JWT (an ID Token)', token: () => forge({ typ: 'JWT' }, {}), code: 'ERR_ACCESS_TOKEN_TYP' },
    {
      name: 'key named by jku',
      token: () => forge({ jku: 'https://evil.example/jwks' }, {}),
      code: 'ERR_ACCESS_TOKEN_SIGNATURE',
    },
    { name: 'client_id missing', token: () => forge({}, { client_id: undefined }), code: 'ERR_ACCESS_TOKEN_CLAIM' },
    {
      name: 'DPoP-bound token sent as Bearer',
      token: () => forge({}, { cnf: { jkt: 'abc' } }),
      code: 'ERR_ACCESS_TOKEN_CLAIM',
    },
    { name: 'not a JWT', token: async () => 'opaque-token-value', code: 'ERR_ACCESS_TOKEN_MALFORMED' },
    {
      name: 'alg none',
      token: async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
        const claims = {
          iss: ISSUER,
          sub: 'a',
          aud: 'https://notes.example/mcp',
          client_id: 'c',
          jti: 'j',
          iat: NOW,
          exp: NOW + 60,
        }
        return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`
      },
      code: 'ERR_ACCESS_TOKEN_SIGNATURE',
    },
  ]
  for (const a of attacks) {
    test(a.name, async () => {
      const token = await a.token()
      const verdict = await rs.authenticate(request({ headers: { authorization: `Bearer ${token}` } }))
      const params = refused(verdict, { status: 401, code: a.code, oauthError: 'invalid_token' })
      if (verdict.ok) return
      expect(params).toEqual({
        error: 'invalid_token',
        error_description: verdict.error.description,
        resource_metadata: PRM_URL,
        scope: 'notes.read notes.write',
      })
      expect(JSON.parse(verdict.body)).toEqual({ error: 'invalid_token', error_description: verdict.error.description })
      expect(`${verdict.challenge} ${verdict.body} ${verdict.error.detail}`).not.toContain(token)
    })
  }

  test('exp edge: accepted inside the 30 s skew, refused at it', async () => {
    const inside = await mint({}, key, NOW - 329)
    const at = await mint({}, key, NOW - 330)
    expect((await rs.authenticate(request({ headers: { authorization: `Bearer ${inside}` } }))).ok).toBe(true)
    const verdict = await rs.authenticate(request({ headers: { authorization: `Bearer ${at}` } }))
    refused(verdict, { status: 401, code: 'ERR_ACCESS_TOKEN_EXPIRED', oauthError: 'invalid_token' })
    const strict = resourceServer({ clockSkew: 0 })
    const edge = await mint({}, key, NOW - 300)
    refused(await strict.authenticate(request({ headers: { authorization: `Bearer ${edge}` } })), {
      status: 401,
      code: 'ERR_ACCESS_TOKEN_EXPIRED',
      oauthError: 'invalid_token',
    })
  })
})

describe('6.5 [#37] scopes', () => {
  test('insufficient scope: 403 naming every scope the operation needs, not only the missing one', async () => {
    const token = await mint({ scope: 'notes.read' })
    const verdict = await rs.authenticate(request({ headers: { authorization: `Bearer ${token}` } }), {
      requiredScopes: ['notes.read', 'notes.write'],
    })
    const params = refused(verdict, { status: 403, code: 'ERR_INSUFFICIENT_SCOPE', oauthError: 'insufficient_scope' })
    expect(params).toEqual({
      error: 'insufficient_scope',
      error_description: 'the access token lacks a scope this request needs',
      resource_metadata: PRM_URL,
      scope: 'notes.read notes.write',
    })
    if (!verdict.ok) {
      expect(JSON.parse(verdict.body)).toMatchObject({ error: 'insufficient_scope', scope: 'notes.read notes.write' })
      expect(verdict.error.detail).toBe('missing scope notes.write')
    }
  })

  test('a valid token gives the auth context, frozen and without the token', async () => {
    const token = await mint({ scope: 'notes.read notes.write', jti: 'jti-1' })
    const verdict = await rs.authenticate(request({ headers: { authorization: `Bearer ${token}` } }), {
      requiredScopes: ['notes.write'],
    })
    expect(verdict.ok).toBe(true)
    if (!verdict.ok) return
    expect(verdict.auth).toMatchObject({
      subject: 'alice',
      clientId: 'agent',
      scopes: ['notes.read', 'notes.write'],
      organization: 'acme',
      issuer: ISSUER,
      expiresAt: NOW + 290,
      tokenId: 'jti-1',
    })
    expect(verdict.auth.claims).toMatchObject({ tenant: 'acme', aud: 'https://notes.example/mcp' })
    expect(Object.isFrozen(verdict.auth)).toBe(true)
    expect(Object.isFrozen(verdict.auth.claims)).toBe(true)
    expect(JSON.stringify(verdict.auth)).not.toContain(token)
  })

  test('assertScopes throws the same refusal for handlers', () => {
    let err: unknown
    try {
      assertScopes({ scopes: ['a'] }, ['a', 'b'])
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      oauthError: 'insufficient_scope',
      extra: { scope: 'a b' },
    })
  })
})
