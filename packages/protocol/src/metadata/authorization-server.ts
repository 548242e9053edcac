import {
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  DEFAULT_ALLOWED_ALGORITHMS,
  GRANT_PROFILE_ID_JAG,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_JWT_DPOP,
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER,
  WELL_KNOWN_OPENID_CONFIGURATION,
} from '../constants.js'
import { assertAsymmetricAlgorithms } from '../internal/algorithms.js'
import { isJsonObject } from '../internal/json.js'
import { assertHttpsUrlOption, checkMetadataFields, requireMetadataFields } from '../internal/metadata-fields.js'
import { httpsUrlProblem, isSecureOrLoopback, parseAbsoluteUri } from '../internal/uri.js'
import { ResponseValidationError } from '../response-error.js'

/** RFC 8414 authorization server metadata, with the members Cross-App Access relies on typed. */
export interface AuthorizationServerMetadata {
  issuer: string
  token_endpoint: string
  jwks_uri?: string
  authorization_endpoint?: string
  introspection_endpoint?: string
  revocation_endpoint?: string
  registration_endpoint?: string
  scopes_supported?: string[]
  response_types_supported: string[]
  grant_types_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  token_endpoint_auth_signing_alg_values_supported?: string[]
  introspection_endpoint_auth_methods_supported?: string[]
  revocation_endpoint_auth_methods_supported?: string[]
  code_challenge_methods_supported?: string[]
  authorization_response_iss_parameter_supported?: boolean
  dpop_signing_alg_values_supported?: string[]
  authorization_grant_profiles_supported?: string[]
  identity_chaining_requested_token_types_supported?: string[]
  client_id_metadata_document_supported?: boolean
  [member: string]: unknown
}

/** Settings of a resource AS's metadata document. */
export interface AuthorizationServerMetadataOptions {
  issuer: string
  tokenEndpoint: string
  jwksUri: string
  /** REQUIRED by MCP SDK clients even when only the jwt-bearer grant is used. */
  authorizationEndpoint: string
  introspectionEndpoint?: string
  revocationEndpoint?: string
  scopesSupported?: readonly string[]
  /** Default: client_secret_basic, client_secret_post, private_key_jwt (project decision 6). */
  authMethods?: readonly (ClientAuthMethod | 'none')[]
  /** `alg`s accepted on `private_key_jwt` assertions. Default {@link DEFAULT_ALLOWED_ALGORITHMS}. */
  authSigningAlgs?: readonly string[]
  /** DPoP proof algorithms; when set, DPoP is advertised and `jwt-dpop` joins the grant types. */
  dpopAlgs?: readonly string[]
  clientIdMetadataDocumentSupported?: boolean
  /** Further grant types the server really implements (e.g. `authorization_code`), after jwt-bearer. */
  grantTypes?: readonly string[]
  serviceDocumentation?: string
}

/**
 * Checks an issuer identifier this project publishes: https (http only on loopback), no query, no fragment, no
 * trailing slash (project choice: clients strip it and compare exactly), canonical form. Throws a TypeError.
 *
 * @see RFC 8414 section 2 ("issuer"); stack.md "Issuers without a trailing slash"
 */
export function assertIssuerIdentifier(issuer: unknown, path = 'issuer'): asserts issuer is string {
  if (typeof issuer !== 'string') throw new TypeError(`${path} must be a string`)
  const url = parseAbsoluteUri(issuer)
  if (url === undefined) throw new TypeError(`${path} must be an absolute URL`)
  if (!isSecureOrLoopback(url)) throw new TypeError(`${path} must use https (http only on a loopback host)`)
  if (issuer.includes('?')) throw new TypeError(`${path} must not have a query component`)
  if (issuer.includes('#')) throw new TypeError(`${path} must not have a fragment component`)
  if (url.username !== '' || url.password !== '') throw new TypeError(`${path} must not carry user information`)
  if (issuer.endsWith('/')) throw new TypeError(`${path} must not end with "/"`)
  const canonical = url.pathname === '/' ? url.href.slice(0, -1) : url.href
  if (canonical !== issuer) throw new TypeError(`${path} must be canonical (lower-case host, no default port)`)
}

/**
 * Builds a resource AS metadata document that advertises the ID-JAG profile: the grant profile, jwt-bearer (and
 * jwt-dpop only with DPoP), client authentication, `code`/`S256` for the fallback flow, RFC 9207 `iss`.
 * Options are checked; a bad one is a TypeError naming it.
 *
 * @example
 * ```ts
 * buildAuthorizationServerMetadata({ issuer, tokenEndpoint: `${issuer}/token`, jwksUri: `${issuer}/jwks`,
 *   authorizationEndpoint: `${issuer}/authorize`, scopesSupported: ['chat.read'] })
 * ```
 * @see RFC 8414 section 2; xaa-protocol.md section 3 and checklist #27
 */
export function buildAuthorizationServerMetadata(
  options: AuthorizationServerMetadataOptions,
): AuthorizationServerMetadata {
  assertIssuerIdentifier(options.issuer, 'options.issuer')
  assertHttpsUrlOption(options.tokenEndpoint, 'options.tokenEndpoint')
  assertHttpsUrlOption(options.jwksUri, 'options.jwksUri')
  assertHttpsUrlOption(options.authorizationEndpoint, 'options.authorizationEndpoint')
  if (options.introspectionEndpoint !== undefined) {
    assertHttpsUrlOption(options.introspectionEndpoint, 'options.introspectionEndpoint')
  }
  if (options.revocationEndpoint !== undefined) {
    assertHttpsUrlOption(options.revocationEndpoint, 'options.revocationEndpoint')
  }
  if (options.serviceDocumentation !== undefined) {
    assertHttpsUrlOption(options.serviceDocumentation, 'options.serviceDocumentation')
  }
  const authMethods = [...(options.authMethods ?? CLIENT_AUTH_METHODS)]
  if (authMethods.length === 0) throw new TypeError('options.authMethods must not be empty')
  for (const method of authMethods) {
    if (method !== 'none' && !(CLIENT_AUTH_METHODS as readonly string[]).includes(method)) {
      throw new TypeError(`options.authMethods has unsupported method ${method}`)
    }
  }
  const signingAlgs = [...(options.authSigningAlgs ?? DEFAULT_ALLOWED_ALGORITHMS)]
  assertAsymmetricAlgorithms(signingAlgs, 'options.authSigningAlgs')
  if (options.dpopAlgs !== undefined) assertAsymmetricAlgorithms(options.dpopAlgs, 'options.dpopAlgs')

  const grantTypes: string[] = [GRANT_TYPE_JWT_BEARER]
  if (options.dpopAlgs !== undefined) grantTypes.push(GRANT_TYPE_JWT_DPOP)
  for (const grant of options.grantTypes ?? []) if (!grantTypes.includes(grant)) grantTypes.push(grant)

  const authenticated = authMethods.filter((m) => m !== 'none')
  const metadata: AuthorizationServerMetadata = {
    issuer: options.issuer,
    authorization_endpoint: options.authorizationEndpoint,
    token_endpoint: options.tokenEndpoint,
    jwks_uri: options.jwksUri,
    response_types_supported: ['code'],
    grant_types_supported: grantTypes,
    token_endpoint_auth_methods_supported: authMethods,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    authorization_grant_profiles_supported: [GRANT_PROFILE_ID_JAG],
  }
  // RFC 8414 2: the signing algs member only makes sense (and "none" must not appear) for JWT-based methods.
  if (authMethods.includes('private_key_jwt')) metadata.token_endpoint_auth_signing_alg_values_supported = signingAlgs
  if (options.scopesSupported !== undefined) metadata.scopes_supported = [...options.scopesSupported]
  if (options.introspectionEndpoint !== undefined) {
    metadata.introspection_endpoint = options.introspectionEndpoint
    metadata.introspection_endpoint_auth_methods_supported = authenticated
  }
  if (options.revocationEndpoint !== undefined) {
    metadata.revocation_endpoint = options.revocationEndpoint
    metadata.revocation_endpoint_auth_methods_supported = authenticated
  }
  if (options.dpopAlgs !== undefined) metadata.dpop_signing_alg_values_supported = [...options.dpopAlgs]
  if (options.clientIdMetadataDocumentSupported !== undefined) {
    metadata.client_id_metadata_document_supported = options.clientIdMetadataDocumentSupported
  }
  if (options.serviceDocumentation !== undefined) metadata.service_documentation = options.serviceDocumentation
  return metadata
}

/** The IdP's metadata members for Cross-App Access, to merge into its OIDC discovery document. */
export interface IdpMetadataAdditions {
  identity_chaining_requested_token_types_supported: string[]
  grant_types_supported: string[]
}

/**
 * The members an IdP adds to its metadata: `identity_chaining_requested_token_types_supported` with the id-jag
 * token type, and `grant_types_supported` with token exchange appended to the grant types it already lists.
 *
 * @example
 * ```ts
 * Object.assign(discovery, buildIdpMetadataAdditions({ grantTypesSupported: discovery.grant_types_supported }))
 * ```
 * @see xaa-protocol.md section 3 (IdP rows); draft-ietf-oauth-identity-chaining
 */
export function buildIdpMetadataAdditions(
  options: { grantTypesSupported?: readonly string[] } = {},
): IdpMetadataAdditions {
  const grantTypes = [...(options.grantTypesSupported ?? ['authorization_code', 'refresh_token'])]
  if (!grantTypes.includes(GRANT_TYPE_TOKEN_EXCHANGE)) grantTypes.push(GRANT_TYPE_TOKEN_EXCHANGE)
  return {
    identity_chaining_requested_token_types_supported: [TOKEN_TYPE_ID_JAG],
    grant_types_supported: grantTypes,
  }
}

/**
 * Where a client looks for an issuer's metadata, in order: RFC 8414 path-inserted, OIDC path-inserted, OIDC
 * path-appended; for an issuer without a path, the two root forms. A trailing "/" is dropped before inserting.
 *
 * @example
 * ```ts
 * authorizationServerMetadataUrls('https://as.example/tenant1')
 * // https://as.example/.well-known/oauth-authorization-server/tenant1, …/openid-configuration/tenant1,
 * // https://as.example/tenant1/.well-known/openid-configuration
 * ```
 * @see xaa-protocol.md section 6, client step 2; RFC 8414 section 3.1
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const problem = httpsUrlProblem(issuer, { query: false })
  if (problem !== undefined) throw new TypeError(`issuer ${problem}`)
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/$/, '')
  if (path === '') {
    return [`${url.origin}${WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER}`, `${url.origin}${WELL_KNOWN_OPENID_CONFIGURATION}`]
  }
  return [
    `${url.origin}${WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER}${path}`,
    `${url.origin}${WELL_KNOWN_OPENID_CONFIGURATION}${path}`,
    `${url.origin}${path}${WELL_KNOWN_OPENID_CONFIGURATION}`,
  ]
}

/**
 * Checks fetched authorization server metadata: `issuer` exactly equal to the issuer the URL was built from
 * (no normalisation; else `ERR_METADATA_ISSUER`, and the document must be discarded), REQUIRED members present and
 * every known member typed (`ERR_METADATA_INVALID`).
 *
 * @example
 * ```ts
 * const as = validateAuthorizationServerMetadata(await res.json(), prm.authorization_servers[0])
 * ```
 * @see RFC 8414 section 3.3; checklist #30
 */
export function validateAuthorizationServerMetadata(
  json: unknown,
  expectedIssuer: string,
): AuthorizationServerMetadata {
  if (!isJsonObject(json)) throw new ResponseValidationError('ERR_METADATA_INVALID', 'metadata is not a JSON object')
  if (json.issuer !== expectedIssuer) {
    throw new ResponseValidationError('ERR_METADATA_ISSUER', 'metadata issuer is not the expected issuer', {
      field: 'issuer',
    })
  }
  requireMetadataFields(json, ['token_endpoint', 'response_types_supported'])
  checkMetadataFields(json, {
    urls: [
      'token_endpoint',
      'jwks_uri',
      'authorization_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'registration_endpoint',
      'userinfo_endpoint',
    ],
    stringArrays: [
      'scopes_supported',
      'response_types_supported',
      'grant_types_supported',
      'token_endpoint_auth_methods_supported',
      'token_endpoint_auth_signing_alg_values_supported',
      'introspection_endpoint_auth_methods_supported',
      'revocation_endpoint_auth_methods_supported',
      'code_challenge_methods_supported',
      'dpop_signing_alg_values_supported',
      'authorization_grant_profiles_supported',
      'identity_chaining_requested_token_types_supported',
    ],
    booleans: ['authorization_response_iss_parameter_supported', 'client_id_metadata_document_supported'],
  })
  return json as AuthorizationServerMetadata
}
