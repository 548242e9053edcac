/**
 * Every identifier the Cross-App Access texts define or rely on, written once.
 *
 * @see ../../../../shared/spec/xaa-protocol.md appendix "constants" and section 3
 */

// Grant types
export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const GRANT_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
/** Alias used by the ID-JAG draft's DPoP example (draft-parecki-oauth-jwt-dpop-grant); accepted, never required. */
export const GRANT_TYPE_JWT_DPOP = 'urn:ietf:params:oauth:grant-type:jwt-dpop'
export const GRANT_TYPE_AUTHORIZATION_CODE = 'authorization_code'
export const GRANT_TYPE_REFRESH_TOKEN = 'refresh_token'
export const GRANT_TYPE_CLIENT_CREDENTIALS = 'client_credentials'
export const GRANT_TYPE_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

// Token types (RFC 8693 section 3 and the ID-JAG draft)
export const TOKEN_TYPE_ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag'
export const TOKEN_TYPE_ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token'
export const TOKEN_TYPE_SAML2 = 'urn:ietf:params:oauth:token-type:saml2'
export const TOKEN_TYPE_REFRESH_TOKEN = 'urn:ietf:params:oauth:token-type:refresh_token'
export const TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token'
export const TOKEN_TYPE_JWT = 'urn:ietf:params:oauth:token-type:jwt'
/** `token_type` of a token-exchange response whose issued token is not an access token (RFC 8693 section 2.2.1). */
export const TOKEN_TYPE_N_A = 'N_A'
export const TOKEN_TYPE_BEARER = 'Bearer'
export const TOKEN_TYPE_DPOP = 'DPoP'

// Grant profile and client assertion
export const GRANT_PROFILE_ID_JAG = 'urn:ietf:params:oauth:grant-profile:id-jag'
export const CLIENT_ASSERTION_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

// JOSE `typ` values and media types (RFC 8725 section 3.11 explicit typing)
export const ID_JAG_TYP = 'oauth-id-jag+jwt'
export const ID_JAG_MEDIA_TYPE = 'application/oauth-id-jag+jwt'
export const ACCESS_TOKEN_TYP = 'at+jwt'
export const ACCESS_TOKEN_MEDIA_TYPE = 'application/at+jwt'
export const DPOP_PROOF_TYP = 'dpop+jwt'
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded'
export const JSON_MEDIA_TYPE = 'application/json'

// Client authentication methods (RFC 8414 / RFC 7591 registry values)
export const AUTH_METHOD_CLIENT_SECRET_BASIC = 'client_secret_basic'
export const AUTH_METHOD_CLIENT_SECRET_POST = 'client_secret_post'
export const AUTH_METHOD_PRIVATE_KEY_JWT = 'private_key_jwt'
export const AUTH_METHOD_NONE = 'none'
export const CLIENT_AUTH_METHODS = [
  AUTH_METHOD_CLIENT_SECRET_BASIC,
  AUTH_METHOD_CLIENT_SECRET_POST,
  AUTH_METHOD_PRIVATE_KEY_JWT,
] as const
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number]

// Metadata field names that carry the cross-app access signals
/** RAS metadata (ID-JAG draft, registered): the grant profiles whose processing rules the AS implements. */
export const METADATA_AUTHORIZATION_GRANT_PROFILES_SUPPORTED = 'authorization_grant_profiles_supported'
/** IdP metadata (draft-ietf-oauth-identity-chaining). */
export const METADATA_IDENTITY_CHAINING_REQUESTED_TOKEN_TYPES_SUPPORTED =
  'identity_chaining_requested_token_types_supported'
export const METADATA_CLIENT_ID_METADATA_DOCUMENT_SUPPORTED = 'client_id_metadata_document_supported'

// Well-known paths
export const WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER = '/.well-known/oauth-authorization-server'
export const WELL_KNOWN_OPENID_CONFIGURATION = '/.well-known/openid-configuration'
export const WELL_KNOWN_OAUTH_PROTECTED_RESOURCE = '/.well-known/oauth-protected-resource'

/** MCP extension identifier of Enterprise-Managed Authorization. */
export const MCP_EXTENSION_ENTERPRISE_MANAGED_AUTHORIZATION = 'io.modelcontextprotocol/enterprise-managed-authorization'

// Algorithms (project decision 5)
/** Algorithms accepted on ID-JAGs and access tokens from trusted issuers. Never `none`, never HMAC. */
export const DEFAULT_ALLOWED_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const
export const DEFAULT_SIGNING_ALGORITHM = 'ES256'

// Lifetimes in seconds (project decision 4)
export const ID_JAG_DEFAULT_LIFETIME = 300
export const ID_JAG_MAX_LIFETIME = 900
export const ACCESS_TOKEN_DEFAULT_LIFETIME = 300
export const ACCESS_TOKEN_MAX_LIFETIME = 3600
/** Clock skew tolerated on `exp`, `nbf` and `iat` by default. */
export const DEFAULT_CLOCK_SKEW = 30
/** Longest a `private_key_jwt` client assertion may live from now (RFC 7523 3: "exp ... not too far"). */
export const CLIENT_ASSERTION_MAX_LIFETIME = 300
/** How old a DPoP proof's `iat` may be (RFC 9449 4.3 step 11: "within an acceptable window"). */
export const DPOP_PROOF_MAX_AGE = 300

// OAuth form bodies (RFC 6749 3.1, RFC 8693 2.1)
/** Largest token-endpoint form body read by default, in bytes. */
export const FORM_MAX_BYTES = 64 * 1024
/** Most parameters a token-endpoint form body may carry by default. */
export const FORM_MAX_PARAMETERS = 64

// ID-JAG, JWKS cache and access-token additions (branch protocol-jag)
/** Media type of a JSON Web Key Set document (RFC 7517 section 8.5.1). */
export const JWK_SET_MEDIA_TYPE = 'application/jwk-set+json'
/** RFC 9493 subject identifier format the ID-JAG draft (-04) defines for `sub_id`. */
export const SUB_ID_FORMAT_SAML_NAMEID = 'saml-nameid'
// JWKS cache defaults in milliseconds (the unit of Date.now and of jose's createRemoteJWKSet)
/** How long a fetched key set is fresh (10 min). */
export const JWKS_CACHE_DEFAULT_TTL = 600_000
/** Minimum interval between two refetches triggered by an unknown `kid` (checklist item 28). */
export const JWKS_CACHE_DEFAULT_COOLDOWN = 30_000
/** Deadline of one key-set fetch, body included (5 s). */
export const JWKS_CACHE_DEFAULT_TIMEOUT = 5_000
/** Largest key-set body read (64 KiB); reading stops at the cap. */
export const JWKS_CACHE_DEFAULT_MAX_BYTES = 65_536
/** How long the last good key set is served while the issuer is unreachable (stale-if-error). */
export const JWKS_CACHE_DEFAULT_MAX_STALE_AGE = 3_600_000
