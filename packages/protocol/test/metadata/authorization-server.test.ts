import { describe, expect, test } from 'vitest'
import {
  type AuthorizationServerMetadataOptions,
  assertIssuerIdentifier,
  authorizationServerMetadataUrls,
  buildAuthorizationServerMetadata,
  buildIdpMetadataAdditions,
  GRANT_PROFILE_ID_JAG,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_JWT_DPOP,
  GRANT_TYPE_TOKEN_EXCHANGE,
  ResponseValidationError,
  TOKEN_TYPE_ID_JAG,
  validateAuthorizationServerMetadata,
} from '../../src/index.js'

const ISSUER = 'https://auth.chat.example'
const base: AuthorizationServerMetadataOptions = {
  issuer: ISSUER,
  tokenEndpoint: `${ISSUER}/token`,
  jwksUri: `${ISSUER}/jwks`,
  authorizationEndpoint: `${ISSUER}/authorize`,
}

describe('buildAuthorizationServerMetadata', () => {
  test('3 [#27] a RAS advertises the ID-JAG profile and jwt-bearer, and no issuer allow-list', () => {
    const md = buildAuthorizationServerMetadata({ ...base, scopesSupported: ['chat.read'] })
    expect(md).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: [GRANT_TYPE_JWT_BEARER],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      authorization_grant_profiles_supported: [GRANT_PROFILE_ID_JAG],
      scopes_supported: ['chat.read'],
    })
  })

  test('jwt-dpop only with DPoP; introspection, revocation, CIMD and extra grants when configured', () => {
    const md = buildAuthorizationServerMetadata({
      ...base,
      dpopAlgs: ['ES256'],
      introspectionEndpoint: `${ISSUER}/introspect`,
      revocationEndpoint: `${ISSUER}/revoke`,
      clientIdMetadataDocumentSupported: true,
      grantTypes: ['authorization_code', GRANT_TYPE_JWT_BEARER],
      authMethods: ['client_secret_basic', 'none'],
    })
    expect(md.grant_types_supported).toEqual([GRANT_TYPE_JWT_BEARER, GRANT_TYPE_JWT_DPOP, 'authorization_code'])
    expect(md.dpop_signing_alg_values_supported).toEqual(['ES256'])
    expect(md.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic'])
    expect(md.revocation_endpoint).toBe(`${ISSUER}/revoke`)
    expect(md.client_id_metadata_document_supported).toBe(true)
    expect(md).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported')
    expect(buildAuthorizationServerMetadata(base).grant_types_supported).not.toContain(GRANT_TYPE_JWT_DPOP)
  })

  const bad: { name: string; change: Partial<AuthorizationServerMetadataOptions>; message: RegExp }[] = [
    {
      name: 'issuer with a trailing slash',
      change: { issuer: `${ISSUER}/` },
      message: /options.issuer must not end with "\/"/,
    },
    { name: 'issuer over plain http', change: { issuer: 'http://auth.chat.example' }, message: /https/ },
    { name: 'issuer with a query', change: { issuer: `${ISSUER}?a=1` }, message: /query/ },
    { name: 'issuer with a fragment', change: { issuer: `${ISSUER}#x` }, message: /fragment/ },
    { name: 'issuer with upper-case host', change: { issuer: 'https://Auth.chat.example' }, message: /canonical/ },
    { name: 'issuer with the default port', change: { issuer: 'https://auth.chat.example:443' }, message: /canonical/ },
    {
      name: 'token endpoint over http',
      change: { tokenEndpoint: 'http://auth.chat.example/token' },
      message: /options.tokenEndpoint/,
    },
    {
      name: 'auth signing algs with HS256',
      change: { authSigningAlgs: ['HS256'] },
      message: /options.authSigningAlgs/,
    },
    { name: 'DPoP algs with none', change: { dpopAlgs: ['none'] }, message: /options.dpopAlgs/ },
    {
      name: 'unknown auth method',
      change: { authMethods: ['tls_client_auth' as 'none'] },
      message: /options.authMethods/,
    },
  ]
  for (const b of bad) {
    test(`RFC 8414 2 refuses ${b.name} with a TypeError naming the option`, () => {
      expect(() => buildAuthorizationServerMetadata({ ...base, ...b.change })).toThrow(b.message)
      expect(() => buildAuthorizationServerMetadata({ ...base, ...b.change })).toThrow(TypeError)
    })
  }
})

describe('assertIssuerIdentifier', () => {
  test('accepts https issuers with or without a path, and http on loopback only', () => {
    for (const ok of [
      ISSUER,
      `${ISSUER}/tenant1`,
      'http://127.0.0.1:8080',
      'http://localhost:3000/idp',
      'http://[::1]:9000',
    ]) {
      expect(() => assertIssuerIdentifier(ok)).not.toThrow()
    }
    for (const ko of [
      'http://auth.example',
      'http://10.0.0.1',
      'ftp://a.example',
      'https://a.example/x/',
      'https://u:p@a.example',
      'not a url',
      42,
    ]) {
      expect(() => assertIssuerIdentifier(ko)).toThrow(TypeError)
    }
  })
})

describe('buildIdpMetadataAdditions', () => {
  test('3 the IdP advertises id-jag as a chaining token type and token exchange as a grant', () => {
    expect(buildIdpMetadataAdditions({ grantTypesSupported: ['authorization_code', 'refresh_token'] })).toEqual({
      identity_chaining_requested_token_types_supported: [TOKEN_TYPE_ID_JAG],
      grant_types_supported: ['authorization_code', 'refresh_token', GRANT_TYPE_TOKEN_EXCHANGE],
    })
    expect(
      buildIdpMetadataAdditions({ grantTypesSupported: [GRANT_TYPE_TOKEN_EXCHANGE] }).grant_types_supported,
    ).toEqual([GRANT_TYPE_TOKEN_EXCHANGE])
  })
})

describe('authorizationServerMetadataUrls', () => {
  test('6 client step 2: issuer with a path', () => {
    expect(authorizationServerMetadataUrls('https://auth.example.com/tenant1')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ])
  })

  test('6 client step 2: issuer without a path, with or without the trailing slash', () => {
    const expected = [
      'https://auth.example.com/.well-known/oauth-authorization-server',
      'https://auth.example.com/.well-known/openid-configuration',
    ]
    expect(authorizationServerMetadataUrls('https://auth.example.com')).toEqual(expected)
    expect(authorizationServerMetadataUrls('https://auth.example.com/')).toEqual(expected)
  })

  test('RFC 8414 3.1 a terminating slash of a path is removed before inserting', () => {
    expect(authorizationServerMetadataUrls('https://a.example/t/1/')[0]).toBe(
      'https://a.example/.well-known/oauth-authorization-server/t/1',
    )
  })

  test('refuses issuers a client must not contact', () => {
    for (const ko of ['http://a.example', 'https://a.example?x=1', 'https://a.example#f', '/relative']) {
      expect(() => authorizationServerMetadataUrls(ko)).toThrow(TypeError)
    }
  })
})

describe('validateAuthorizationServerMetadata', () => {
  const doc = () => ({ ...buildAuthorizationServerMetadata(base) }) as Record<string, unknown>

  test('a document built here validates against its issuer', () => {
    expect(validateAuthorizationServerMetadata(doc(), ISSUER).issuer).toBe(ISSUER)
  })

  const defects: { name: string; json: unknown; expected?: string; code: string }[] = [
    {
      name: 'RFC 8414 3.3 [#30] issuer of another server (mix-up)',
      json: { ...doc(), issuer: 'https://evil.example' },
      code: 'ERR_METADATA_ISSUER',
    },
    {
      name: 'RFC 8414 3.3 issuer differs by a trailing slash',
      json: doc(),
      expected: `${ISSUER}/`,
      code: 'ERR_METADATA_ISSUER',
    },
    {
      name: 'RFC 8414 3.3 issuer differs in case',
      json: { ...doc(), issuer: 'https://AUTH.chat.example' },
      code: 'ERR_METADATA_ISSUER',
    },
    { name: 'RFC 8414 3.3 issuer missing', json: { ...doc(), issuer: undefined }, code: 'ERR_METADATA_ISSUER' },
    { name: 'not an object', json: [doc()], code: 'ERR_METADATA_INVALID' },
    {
      name: 'RFC 8414 2 token_endpoint missing',
      json: { ...doc(), token_endpoint: undefined },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'RFC 8414 2 response_types_supported missing',
      json: { ...doc(), response_types_supported: undefined },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'token_endpoint over http',
      json: { ...doc(), token_endpoint: 'http://auth.chat.example/token' },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'grant_types_supported is a string',
      json: { ...doc(), grant_types_supported: GRANT_TYPE_JWT_BEARER },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'authorization_grant_profiles_supported holds a number',
      json: { ...doc(), authorization_grant_profiles_supported: [1] },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'authorization_response_iss_parameter_supported is "true"',
      json: { ...doc(), authorization_response_iss_parameter_supported: 'true' },
      code: 'ERR_METADATA_INVALID',
    },
  ]
  for (const d of defects) {
    test(`client refuses: ${d.name}`, () => {
      let err: unknown
      try {
        validateAuthorizationServerMetadata(d.json, d.expected ?? ISSUER)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ResponseValidationError)
      expect(err).toMatchObject({ code: d.code })
    })
  }
})
