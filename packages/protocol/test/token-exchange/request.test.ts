import { describe, expect, test } from 'vitest'
import {
  buildTokenExchangeRequest,
  FORM_MEDIA_TYPE,
  GRANT_TYPE_TOKEN_EXCHANGE,
  parseForm,
  parseTokenExchangeRequest,
  TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
  TOKEN_TYPE_ACCESS_TOKEN,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
  TOKEN_TYPE_SAML2,
  type TokenExchangeRequestOptions,
  type TokenExchangeRequestParams,
} from '../../src/index.js'

const GOOD: [string, string][] = [
  ['grant_type', GRANT_TYPE_TOKEN_EXCHANGE],
  ['requested_token_type', TOKEN_TYPE_ID_JAG],
  ['audience', 'https://auth.chat.example'],
  ['resource', 'https://mcp.chat.example/mcp'],
  ['scope', 'chat.read chat.history'],
  ['subject_token', 'eyJraWQi.id.token'],
  ['subject_token_type', TOKEN_TYPE_ID_TOKEN],
]

/** The good request with some parameters replaced (`undefined` removes), others appended. */
function request(change: Record<string, string | undefined> = {}, append: [string, string][] = []): string {
  const body = new URLSearchParams()
  for (const [k, v] of GOOD) if (!(k in change)) body.append(k, v)
  for (const [k, v] of Object.entries(change)) if (v !== undefined) body.append(k, v)
  for (const [k, v] of append) body.append(k, v)
  return body.toString()
}

function parse(body: string, options?: TokenExchangeRequestOptions) {
  return parseTokenExchangeRequest(
    parseForm(body, FORM_MEDIA_TYPE, { repeatable: TOKEN_EXCHANGE_REPEATABLE_PARAMETERS }),
    options,
  )
}

describe('parseTokenExchangeRequest', () => {
  test('the spec 2(b) example request', () => {
    expect(parse(request())).toEqual({
      grantType: GRANT_TYPE_TOKEN_EXCHANGE,
      requestedTokenType: TOKEN_TYPE_ID_JAG,
      audience: 'https://auth.chat.example',
      resources: ['https://mcp.chat.example/mcp'],
      scopes: ['chat.read', 'chat.history'],
      authorizationDetails: undefined,
      subjectToken: 'eyJraWQi.id.token',
      subjectTokenType: TOKEN_TYPE_ID_TOKEN,
      actorToken: undefined,
      actorTokenType: undefined,
    })
  })

  test('optional parameters may be absent; an alias audience is allowed', () => {
    const r = parse(request({ resource: undefined, scope: undefined, audience: 'urn:example:chat' }))
    expect(r).toMatchObject({ audience: 'urn:example:chat', resources: [], scopes: undefined })
  })

  test('several resources, duplicates dropped; scopes deduplicated in order', () => {
    const r = parse(
      request({ scope: 'b a  b c' }, [
        ['resource', 'https://mcp2.example/x?y=1'],
        ['resource', 'https://mcp.chat.example/mcp'],
      ]),
    )
    expect(r.resources).toEqual(['https://mcp.chat.example/mcp', 'https://mcp2.example/x?y=1'])
    expect(r.scopes).toEqual(['b', 'a', 'c'])
  })

  test('authorization_details array, actor token with its type, saml2 and refresh_token subjects', () => {
    const details = [
      { type: 'chat_access', actions: ['read'], locations: ['https://mcp.chat.example/mcp'], custom: { a: 1 } },
    ]
    const r = parse(
      request({
        authorization_details: JSON.stringify(details),
        actor_token: 'act',
        actor_token_type: TOKEN_TYPE_ID_TOKEN,
      }),
    )
    expect(r.authorizationDetails).toEqual(details)
    expect(r).toMatchObject({ actorToken: 'act', actorTokenType: TOKEN_TYPE_ID_TOKEN })
    expect(parse(request({ subject_token_type: TOKEN_TYPE_SAML2 })).subjectTokenType).toBe(TOKEN_TYPE_SAML2)
    expect(parse(request({ subject_token_type: TOKEN_TYPE_REFRESH_TOKEN })).subjectTokenType).toBe(
      TOKEN_TYPE_REFRESH_TOKEN,
    )
  })

  test('2(f) a refresh token may be requested for the SAML path when allowed', () => {
    const body = request({ requested_token_type: TOKEN_TYPE_REFRESH_TOKEN, subject_token_type: TOKEN_TYPE_SAML2 })
    expect(parse(body, { allowRefreshTokenRequest: true }).requestedTokenType).toBe(TOKEN_TYPE_REFRESH_TOKEN)
    expect(() => parse(body)).toThrow(expect.objectContaining({ code: 'ERR_REQUESTED_TOKEN_TYPE' }))
  })

  const attacks: {
    name: string
    body: string
    code: string
    oauthError: string
    options?: TokenExchangeRequestOptions
  }[] = [
    {
      name: 'RFC 6749 4.5 grant_type missing',
      body: request({ grant_type: undefined }),
      code: 'ERR_PARAMETER_MISSING',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) grant_type is jwt-bearer',
      body: request({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }),
      code: 'ERR_UNSUPPORTED_GRANT_TYPE',
      oauthError: 'unsupported_grant_type',
    },
    {
      name: '2(b) [#4] requested_token_type missing',
      body: request({ requested_token_type: undefined }),
      code: 'ERR_REQUESTED_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) [#4] requested_token_type is access_token',
      body: request({ requested_token_type: TOKEN_TYPE_ACCESS_TOKEN }),
      code: 'ERR_REQUESTED_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) [#4] requested_token_type is refresh_token without the SAML option',
      body: request({ requested_token_type: TOKEN_TYPE_REFRESH_TOKEN }),
      code: 'ERR_REQUESTED_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) audience missing',
      body: request({ audience: undefined }),
      code: 'ERR_PARAMETER_MISSING',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) [#6] two audiences',
      body: request({}, [['audience', 'https://other.example']]),
      code: 'ERR_AUDIENCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: '2(b) audience with whitespace',
      body: request({ audience: 'https://a.example b' }),
      code: 'ERR_AUDIENCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: 'RFC 8707 2 resource with a fragment',
      body: request({ resource: 'https://mcp.chat.example/mcp#x' }),
      code: 'ERR_RESOURCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: 'RFC 8707 2 resource is relative',
      body: request({ resource: '/mcp' }),
      code: 'ERR_RESOURCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: 'RFC 8707 2 resource with a space',
      body: request({ resource: 'https://mcp.chat.example/a b' }),
      code: 'ERR_RESOURCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: 'RFC 8707 2 second resource is invalid',
      body: request({}, [['resource', 'not a uri']]),
      code: 'ERR_RESOURCE_INVALID',
      oauthError: 'invalid_target',
    },
    {
      name: 'RFC 6749 3.3 scope with a double quote',
      body: request({ scope: 'chat.read "x"' }),
      code: 'ERR_SCOPE_INVALID',
      oauthError: 'invalid_scope',
    },
    {
      name: 'RFC 6749 3.3 scope with a backslash',
      body: request({ scope: 'a\\b' }),
      code: 'ERR_SCOPE_INVALID',
      oauthError: 'invalid_scope',
    },
    {
      name: 'RFC 6749 3.3 scope with a tab',
      body: request({ scope: 'a\tb' }),
      code: 'ERR_SCOPE_INVALID',
      oauthError: 'invalid_scope',
    },
    {
      name: 'RFC 6749 3.3 scope with non-ASCII',
      body: request({ scope: 'lesen.ü' }),
      code: 'ERR_SCOPE_INVALID',
      oauthError: 'invalid_scope',
    },
    {
      name: 'RFC 6749 3.3 scope of spaces only',
      body: request({ scope: '   ' }),
      code: 'ERR_SCOPE_INVALID',
      oauthError: 'invalid_scope',
    },
    {
      name: 'RFC 9396 5 authorization_details is not JSON',
      body: request({ authorization_details: '[{type:' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2 authorization_details is an object',
      body: request({ authorization_details: '{"type":"a"}' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2 authorization_details element without type',
      body: request({ authorization_details: '[{"actions":["read"]}]' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2 authorization_details type is a number',
      body: request({ authorization_details: '[{"type":1}]' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2 authorization_details element is an array',
      body: request({ authorization_details: '[["type"]]' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2.2 authorization_details actions is a string',
      body: request({ authorization_details: '[{"type":"a","actions":"read"}]' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 9396 2 authorization_details is an empty array',
      body: request({ authorization_details: '[]' }),
      code: 'ERR_AUTHORIZATION_DETAILS_INVALID',
      oauthError: 'invalid_authorization_details',
    },
    {
      name: 'RFC 8693 2.1 subject_token missing',
      body: request({ subject_token: undefined }),
      code: 'ERR_PARAMETER_MISSING',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 8693 2.1 subject_token_type missing',
      body: request({ subject_token_type: undefined }),
      code: 'ERR_SUBJECT_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) subject_token_type is access_token',
      body: request({ subject_token_type: TOKEN_TYPE_ACCESS_TOKEN }),
      code: 'ERR_SUBJECT_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) subject_token_type is id-jag (no chaining of ID-JAGs)',
      body: request({ subject_token_type: TOKEN_TYPE_ID_JAG }),
      code: 'ERR_SUBJECT_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: '2(b) refresh_token subject when the IdP does not accept them',
      body: request({ subject_token_type: TOKEN_TYPE_REFRESH_TOKEN }),
      options: { subjectTokenTypes: [TOKEN_TYPE_ID_TOKEN] },
      code: 'ERR_SUBJECT_TOKEN_TYPE',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 8693 2.1 actor_token without actor_token_type',
      body: request({ actor_token: 'act' }),
      code: 'ERR_ACTOR_TOKEN',
      oauthError: 'invalid_request',
    },
    {
      name: 'RFC 8693 2.1 actor_token_type without actor_token',
      body: request({ actor_token_type: TOKEN_TYPE_ID_TOKEN }),
      code: 'ERR_ACTOR_TOKEN',
      oauthError: 'invalid_request',
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

  test('RFC 6749 3.1 a repeated subject_token is refused by the form', () => {
    expect(() => parse(request({}, [['subject_token', 'other']]))).toThrow(
      expect.objectContaining({ code: 'ERR_FORM_REPEATED_PARAMETER', oauthError: 'invalid_request' }),
    )
  })

  test('descriptions never carry the subject token', () => {
    let err: Error | undefined
    try {
      parse(request({ subject_token: 'SECRET-ID-TOKEN', subject_token_type: 'urn:x' }))
    } catch (e) {
      err = e as Error
    }
    expect(`${err?.message} ${(err as { detail?: string }).detail}`).not.toContain('SECRET-ID-TOKEN')
  })
})

describe('buildTokenExchangeRequest', () => {
  test('build -> parse round trip', () => {
    const params: TokenExchangeRequestParams = {
      audience: 'https://auth.chat.example',
      resources: ['https://mcp.chat.example/mcp', 'https://mcp.chat.example/mcp', 'https://b.example/'],
      scopes: ['chat.read', 'chat.history'],
      authorizationDetails: [{ type: 'chat_access', actions: ['read'] }],
      subjectToken: 'id.token.value',
      subjectTokenType: TOKEN_TYPE_ID_TOKEN,
      actorToken: 'act',
      actorTokenType: TOKEN_TYPE_ID_TOKEN,
    }
    const parsed = parse(buildTokenExchangeRequest(params).toString())
    expect(parsed).toEqual({
      grantType: GRANT_TYPE_TOKEN_EXCHANGE,
      requestedTokenType: TOKEN_TYPE_ID_JAG,
      audience: params.audience,
      resources: ['https://mcp.chat.example/mcp', 'https://b.example/'],
      scopes: ['chat.read', 'chat.history'],
      authorizationDetails: params.authorizationDetails,
      subjectToken: params.subjectToken,
      subjectTokenType: TOKEN_TYPE_ID_TOKEN,
      actorToken: 'act',
      actorTokenType: TOKEN_TYPE_ID_TOKEN,
    })
  })

  test('minimal request carries the profile constants', () => {
    const body = buildTokenExchangeRequest({
      audience: 'https://a',
      subjectToken: 't',
      subjectTokenType: TOKEN_TYPE_SAML2,
    })
    expect(Object.fromEntries(body)).toEqual({
      grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
      requested_token_type: TOKEN_TYPE_ID_JAG,
      audience: 'https://a',
      subject_token: 't',
      subject_token_type: TOKEN_TYPE_SAML2,
    })
  })

  test('refuses what a server would refuse', () => {
    expect(() =>
      buildTokenExchangeRequest({ audience: '', subjectToken: 't', subjectTokenType: TOKEN_TYPE_ID_TOKEN }),
    ).toThrow(TypeError)
    expect(() =>
      buildTokenExchangeRequest({
        audience: 'a',
        subjectToken: 't',
        subjectTokenType: TOKEN_TYPE_ID_TOKEN,
        scopes: ['a b'],
      }),
    ).toThrow(TypeError)
    expect(() =>
      buildTokenExchangeRequest({
        audience: 'a',
        subjectToken: 't',
        subjectTokenType: TOKEN_TYPE_ID_TOKEN,
        actorToken: 'x',
      }),
    ).toThrow(TypeError)
  })
})
