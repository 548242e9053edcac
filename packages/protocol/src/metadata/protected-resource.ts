import { WELL_KNOWN_OAUTH_PROTECTED_RESOURCE } from '../constants.js'
import { assertAsymmetricAlgorithms } from '../internal/algorithms.js'
import { isJsonObject } from '../internal/json.js'
import { assertHttpsUrlOption, checkMetadataFields, requireMetadataFields } from '../internal/metadata-fields.js'
import { isScopeToken } from '../internal/scope.js'
import { httpsUrlProblem } from '../internal/uri.js'
import { ResponseValidationError } from '../response-error.js'

/** RFC 9728 protected resource metadata. */
export interface ProtectedResourceMetadata {
  resource: string
  authorization_servers: string[]
  scopes_supported?: string[]
  bearer_methods_supported?: string[]
  jwks_uri?: string
  resource_name?: string
  resource_documentation?: string
  resource_signing_alg_values_supported?: string[]
  dpop_signing_alg_values_supported?: string[]
  dpop_bound_access_tokens_required?: boolean
  authorization_details_types_supported?: string[]
  [member: string]: unknown
}

/** Settings of an MCP server's protected resource metadata. */
export interface ProtectedResourceMetadataOptions {
  /** The canonical MCP server URI (https, no fragment). */
  resource: string
  /** Issuers of the authorization servers that issue tokens for it (at least one, MCP). */
  authorizationServers: readonly string[]
  /** RECOMMENDED by MCP; never `offline_access`. */
  scopesSupported?: readonly string[]
  /** Default `['header']`; `query` is refused (MCP: never tokens in the URL). */
  bearerMethodsSupported?: readonly ('header' | 'body')[]
  resourceName?: string
  resourceDocumentation?: string
  jwksUri?: string
  dpopSigningAlgs?: readonly string[]
  dpopBoundAccessTokensRequired?: boolean
  authorizationDetailsTypesSupported?: readonly string[]
}

/**
 * Builds an RFC 9728 metadata document for an MCP server. Options are checked; a bad one is a TypeError naming it.
 *
 * @example
 * ```ts
 * buildProtectedResourceMetadata({ resource: 'https://mcp.example/mcp', authorizationServers: [rasIssuer],
 *   scopesSupported: ['files:read'] })
 * ```
 * @see RFC 9728 section 2; xaa-protocol.md section 6, server step 1
 */
export function buildProtectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  assertHttpsUrlOption(options.resource, 'options.resource')
  if (options.authorizationServers.length === 0) {
    throw new TypeError('options.authorizationServers must name at least one issuer')
  }
  for (const [i, issuer] of options.authorizationServers.entries()) {
    assertHttpsUrlOption(issuer, `options.authorizationServers[${i}]`, { query: false })
  }
  const bearerMethods = [...(options.bearerMethodsSupported ?? ['header'])]
  for (const method of bearerMethods) {
    if (method !== 'header' && method !== 'body') {
      throw new TypeError(`options.bearerMethodsSupported must not contain ${String(method)}`)
    }
  }
  const metadata: ProtectedResourceMetadata = {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    bearer_methods_supported: bearerMethods,
  }
  if (options.scopesSupported !== undefined) {
    for (const scope of options.scopesSupported) {
      if (!isScopeToken(scope)) throw new TypeError(`options.scopesSupported has invalid scope "${scope}"`)
      // MCP: scopes_supported SHOULD NOT contain offline_access (refresh is the AS's business).
      if (scope === 'offline_access') throw new TypeError('options.scopesSupported must not contain offline_access')
    }
    metadata.scopes_supported = [...options.scopesSupported]
  }
  if (options.jwksUri !== undefined) {
    assertHttpsUrlOption(options.jwksUri, 'options.jwksUri')
    metadata.jwks_uri = options.jwksUri
  }
  if (options.resourceName !== undefined) metadata.resource_name = options.resourceName
  if (options.resourceDocumentation !== undefined) {
    assertHttpsUrlOption(options.resourceDocumentation, 'options.resourceDocumentation')
    metadata.resource_documentation = options.resourceDocumentation
  }
  if (options.dpopSigningAlgs !== undefined) {
    assertAsymmetricAlgorithms(options.dpopSigningAlgs, 'options.dpopSigningAlgs')
    metadata.dpop_signing_alg_values_supported = [...options.dpopSigningAlgs]
  }
  if (options.dpopBoundAccessTokensRequired !== undefined) {
    metadata.dpop_bound_access_tokens_required = options.dpopBoundAccessTokensRequired
  }
  if (options.authorizationDetailsTypesSupported !== undefined) {
    metadata.authorization_details_types_supported = [...options.authorizationDetailsTypesSupported]
  }
  return metadata
}

/**
 * Where a client looks for a resource's metadata, in order: the path-inserted well-known URI, then the root one
 * (only the root for a resource without path or query).
 *
 * @example
 * ```ts
 * protectedResourceMetadataUrls('https://mcp.example/mcp')
 * // ['https://mcp.example/.well-known/oauth-protected-resource/mcp', 'https://mcp.example/.well-known/oauth-protected-resource']
 * ```
 * @see RFC 9728 section 3.1; xaa-protocol.md section 6, client step 1
 */
export function protectedResourceMetadataUrls(resource: string): string[] {
  const problem = httpsUrlProblem(resource)
  if (problem !== undefined) throw new TypeError(`resource ${problem}`)
  const url = new URL(resource)
  const root = `${url.origin}${WELL_KNOWN_OAUTH_PROTECTED_RESOURCE}`
  // RFC 9728 3.1: a terminating "/" right after the host is removed; path and query are kept as sent.
  const suffix = `${url.pathname === '/' ? '' : url.pathname}${url.search}`
  return suffix === '' ? [root] : [`${root}${suffix}`, root]
}

/**
 * Checks fetched protected resource metadata: `resource` exactly equal to the identifier the client derived the
 * URL from (else `ERR_METADATA_RESOURCE`), `authorization_servers` a non-empty array of https issuers (MCP), and
 * every known member typed (`ERR_METADATA_INVALID`).
 *
 * @see RFC 9728 section 3.3; xaa-protocol.md section 6
 */
export function validateProtectedResourceMetadata(json: unknown, expectedResource: string): ProtectedResourceMetadata {
  if (!isJsonObject(json)) throw new ResponseValidationError('ERR_METADATA_INVALID', 'metadata is not a JSON object')
  if (json.resource !== expectedResource) {
    throw new ResponseValidationError('ERR_METADATA_RESOURCE', 'metadata resource is not the expected resource', {
      field: 'resource',
    })
  }
  requireMetadataFields(json, ['authorization_servers'])
  checkMetadataFields(json, {
    urls: ['jwks_uri', 'resource_documentation', 'resource_policy_uri', 'resource_tos_uri'],
    stringArrays: [
      'authorization_servers',
      'scopes_supported',
      'bearer_methods_supported',
      'resource_signing_alg_values_supported',
      'dpop_signing_alg_values_supported',
      'authorization_details_types_supported',
    ],
    booleans: ['dpop_bound_access_tokens_required', 'tls_client_certificate_bound_access_tokens'],
    strings: ['resource_name'],
  })
  const servers = json.authorization_servers as string[]
  if (servers.length === 0) {
    throw new ResponseValidationError('ERR_METADATA_INVALID', 'metadata authorization_servers is empty', {
      field: 'authorization_servers',
    })
  }
  for (const issuer of servers) {
    if (httpsUrlProblem(issuer, { query: false }) !== undefined) {
      throw new ResponseValidationError('ERR_METADATA_INVALID', 'metadata authorization_servers has a bad issuer', {
        field: 'authorization_servers',
      })
    }
  }
  return json as ProtectedResourceMetadata
}
