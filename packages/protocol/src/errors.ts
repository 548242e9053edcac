/**
 * Errors as values: a stable internal `code`, the public OAuth `error`, the spec `rule` that was broken, a public
 * `description` that names only what the caller sent, and a private `detail` for the audit log.
 *
 * `detail` never leaves the server: {@link toOAuthErrorBody} serialises `error` and `description` only.
 * No message, description or detail ever contains a token, a secret or a whole claim set.
 */

/** OAuth error codes used on the wire (RFC 6749 5.2, 6750 3.1, 7009 2.2.1, 8693 2.2.2, 8707, 9449, 9470). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'invalid_authorization_details'
  | 'invalid_client_metadata'
  | 'server_error'
  | 'temporarily_unavailable'

/**
 * Every internal refusal code `protocol` raises, with the OAuth error it maps to by default.
 * `docs/audit-events.md` lists each one; a test keeps the two in step.
 */
export const PROTOCOL_ERROR_CODES = {
  // HTTP form bodies and generic request syntax
  ERR_FORM_CONTENT_TYPE: 'invalid_request',
  ERR_FORM_REPEATED_PARAMETER: 'invalid_request',
  ERR_FORM_MALFORMED: 'invalid_request',
  ERR_FORM_TOO_LARGE: 'invalid_request',
  ERR_FORM_TOO_MANY_PARAMETERS: 'invalid_request',
  ERR_PARAMETER_MISSING: 'invalid_request',
  ERR_PARAMETER_INVALID: 'invalid_request',
  ERR_UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  /** Too many requests from one source (checklist #29); servers answer HTTP 429 with Retry-After. */
  ERR_RATE_LIMITED: 'temporarily_unavailable',

  // Client authentication (RFC 6749 2.3, RFC 7523 2.2 / 3)
  ERR_CLIENT_AUTH_MISSING: 'invalid_client',
  ERR_CLIENT_AUTH_MULTIPLE: 'invalid_request',
  ERR_CLIENT_AUTH_MALFORMED: 'invalid_client',
  ERR_CLIENT_ASSERTION: 'invalid_client',
  ERR_CLIENT_ID_MISMATCH: 'invalid_request',
  // ...against the server's client registry (resource AS, decision 6)
  ERR_CLIENT_UNKNOWN: 'invalid_client',
  ERR_CLIENT_SECRET: 'invalid_client',
  ERR_CLIENT_AUTH_METHOD: 'invalid_client',
  ERR_CLIENT_DISABLED: 'invalid_client',
  ERR_CLIENT_METADATA_DOCUMENT: 'invalid_client',
  ERR_CLIENT_GRANT_NOT_ALLOWED: 'unauthorized_client',

  // Token exchange at the IdP, 2(b)
  ERR_REQUESTED_TOKEN_TYPE: 'invalid_request',
  ERR_SUBJECT_TOKEN_TYPE: 'invalid_request',
  ERR_ACTOR_TOKEN: 'invalid_request',
  ERR_AUDIENCE_INVALID: 'invalid_target',
  ERR_RESOURCE_INVALID: 'invalid_target',
  ERR_SCOPE_INVALID: 'invalid_scope',
  ERR_AUTHORIZATION_DETAILS_INVALID: 'invalid_authorization_details',

  // The IdP's token-exchange decisions, 2(b) steps 1-8, in the codes of project decision 3
  ERR_CLIENT_AUTH_FAILED: 'invalid_client',
  ERR_CLIENT_NOT_ENABLED: 'unauthorized_client',
  ERR_SUBJECT_TOKEN_INVALID: 'invalid_grant',
  ERR_SUBJECT_TOKEN_EXPIRED: 'invalid_grant',
  ERR_SUBJECT_TOKEN_CLIENT: 'invalid_grant',
  ERR_SUBJECT_TOKEN_REVOKED: 'invalid_grant',
  ERR_AUDIENCE_UNKNOWN: 'invalid_target',
  ERR_RESOURCE_NOT_GOVERNED: 'invalid_target',
  ERR_RESOURCE_REQUIRED: 'invalid_target',
  ERR_SCOPE_UNKNOWN: 'invalid_scope',
  ERR_SCOPE_NOT_ALLOWED: 'invalid_scope',
  ERR_NO_CONNECTION: 'access_denied',
  ERR_CONNECTION_DISABLED: 'access_denied',
  ERR_USER_NOT_IN_GROUP: 'access_denied',
  ERR_USER_DISABLED: 'access_denied',
  ERR_BLOCKED: 'access_denied',
  ERR_AUTH_TOO_OLD: 'insufficient_user_authentication',

  // ID-JAG verification at the resource AS, 2(d) steps 2-13 (all invalid_grant, RFC 7523 3.1)
  ERR_ID_JAG_MALFORMED: 'invalid_grant',
  ERR_ID_JAG_TYP: 'invalid_grant',
  ERR_ID_JAG_ISSUER: 'invalid_grant',
  ERR_ID_JAG_ALG: 'invalid_grant',
  ERR_ID_JAG_KEY_REFERENCE: 'invalid_grant',
  ERR_ID_JAG_KEY_NOT_FOUND: 'invalid_grant',
  ERR_ID_JAG_KEYS_UNAVAILABLE: 'invalid_grant',
  ERR_ID_JAG_SIGNATURE: 'invalid_grant',
  ERR_ID_JAG_AUDIENCE: 'invalid_grant',
  ERR_ID_JAG_EXPIRED: 'invalid_grant',
  ERR_ID_JAG_NOT_YET_VALID: 'invalid_grant',
  ERR_ID_JAG_LIFETIME: 'invalid_grant',
  ERR_ID_JAG_CLAIM_MISSING: 'invalid_grant',
  ERR_ID_JAG_CLAIM_INVALID: 'invalid_grant',
  ERR_ID_JAG_REPLAY: 'invalid_grant',
  ERR_ID_JAG_CLIENT: 'invalid_grant',
  ERR_ID_JAG_TENANT: 'invalid_grant',
  ERR_ID_JAG_SUB_ID: 'invalid_grant',
  ERR_ID_JAG_CNF: 'invalid_grant',
  ERR_ID_JAG_RESOURCE: 'invalid_grant',
  ERR_ID_JAG_SCOPE: 'invalid_grant',
  // ...decided over the resource AS's own records: a disabled issuer trust (decision 7), an unlinked subject (step 10)
  ERR_ID_JAG_TRUST_DISABLED: 'invalid_grant',
  ERR_ID_JAG_SUBJECT: 'invalid_grant',

  // DPoP proofs (RFC 9449 4.3)
  ERR_DPOP_PROOF: 'invalid_dpop_proof',
  ERR_DPOP_NONCE: 'use_dpop_nonce',

  // Remote key sets of trusted issuers (JWKS cache); callers map it to their own code (e.g. ERR_ID_JAG_KEYS_UNAVAILABLE)
  ERR_JWKS_UNAVAILABLE: 'temporarily_unavailable',

  // RFC 9068 JWT access tokens at the resource server (RFC 6750 3.1)
  ERR_ACCESS_TOKEN_MALFORMED: 'invalid_token',
  ERR_ACCESS_TOKEN_TYP: 'invalid_token',
  ERR_ACCESS_TOKEN_SIGNATURE: 'invalid_token',
  ERR_ACCESS_TOKEN_ISSUER: 'invalid_token',
  ERR_ACCESS_TOKEN_AUDIENCE: 'invalid_token',
  ERR_ACCESS_TOKEN_EXPIRED: 'invalid_token',
  ERR_ACCESS_TOKEN_CLAIM: 'invalid_token',
  ERR_INSUFFICIENT_SCOPE: 'insufficient_scope',

  // Bearer token requests at the resource server (RFC 6750 2 and 3.1, MCP authorization; resource-server package)
  /** No access token was sent: 401 whose challenge carries no `error` (RFC 6750 3.1 "SHOULD NOT include an error"). */
  ERR_BEARER_MISSING: 'invalid_token',
  ERR_BEARER_MALFORMED: 'invalid_request',
  ERR_BEARER_MULTIPLE_METHODS: 'invalid_request',
  ERR_BEARER_IN_QUERY: 'invalid_request',
  ERR_BEARER_IN_BODY: 'invalid_request',
  // RFC 7662 introspection of opaque access tokens
  ERR_ACCESS_TOKEN_INACTIVE: 'invalid_token',
  ERR_INTROSPECTION_UNAVAILABLE: 'temporarily_unavailable',
} as const satisfies Record<string, OAuthErrorCode>

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES

export interface ProtocolErrorOptions {
  /** The spec step that was broken, e.g. `'2(d).5'`, with the checklist item where there is one: `'2(d).5 #17'`. */
  rule?: string
  /** Private reason for the audit log. Never a token, a secret or a whole claim set. */
  detail?: string
  /** Overrides the default OAuth error of the code (e.g. a role that maps a subject token failure differently). */
  oauthError?: OAuthErrorCode
  /** Extra public response members, e.g. `max_age` for `insufficient_user_authentication`. */
  extra?: Record<string, string | number>
  cause?: unknown
}

/** A refusal decided by protocol logic. Carries the public answer and the private reason together. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  readonly code: ProtocolErrorCode
  readonly oauthError: OAuthErrorCode
  readonly rule: string | undefined
  readonly detail: string | undefined
  readonly extra: Readonly<Record<string, string | number>> | undefined

  /** @param description public, safe to send: names only what the caller sent. */
  constructor(code: ProtocolErrorCode, description: string, options: ProtocolErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.oauthError = options.oauthError ?? PROTOCOL_ERROR_CODES[code]
    this.rule = options.rule
    this.detail = options.detail
    this.extra = options.extra
  }

  /** The public description; the same as `message`. */
  get description(): string {
    return this.message
  }
}

/** True for a {@link ProtocolError}, across copies of this package. */
export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError || (value instanceof Error && value.name === 'ProtocolError' && 'code' in value)
}

/** HTTP status for an OAuth error code (RFC 6749 5.2, RFC 6750 3.1, RFC 9449). */
export function oauthErrorStatus(error: OAuthErrorCode): number {
  switch (error) {
    case 'invalid_client':
    case 'invalid_token':
    case 'use_dpop_nonce':
      return 401
    case 'insufficient_scope':
      return 403
    case 'server_error':
      return 500
    case 'temporarily_unavailable':
      return 503
    default:
      return 400
  }
}

export interface OAuthErrorBody {
  error: OAuthErrorCode
  error_description?: string
  [extra: string]: string | number | undefined
}

/** The JSON body of an error response: `error`, `error_description` and public extras; never `detail`. */
export function toOAuthErrorBody(err: ProtocolError): OAuthErrorBody {
  return { ...err.extra, error: err.oauthError, error_description: err.description }
}

/** Headers every token-endpoint answer carries (RFC 6749 5.1): responses hold credentials and must not be cached. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
})

export interface OAuthErrorResponseOptions {
  /**
   * The scheme the client tried to authenticate with. RFC 6749 5.2: a 401 `invalid_client` after an
   * `Authorization` header attempt MUST carry a matching `WWW-Authenticate`.
   */
  authScheme?: 'Basic'
  realm?: string
}

/** The full HTTP form of a refusal: status, no-store headers, JSON body. */
export function toOAuthErrorResponse(err: ProtocolError, options: OAuthErrorResponseOptions = {}): Response {
  const status = oauthErrorStatus(err.oauthError)
  const headers = new Headers({ ...NO_STORE_HEADERS, 'Content-Type': 'application/json' })
  if (status === 401 && err.oauthError === 'invalid_client' && options.authScheme === 'Basic') {
    headers.set('WWW-Authenticate', `Basic realm="${options.realm ?? 'token'}"`)
  }
  return new Response(JSON.stringify(toOAuthErrorBody(err)), { status, headers })
}
