// The public API of @openxaa/protocol: named re-exports only (no `export *`); src/internal/ is never exported.

export {
  ACCESS_TOKEN_DEFAULT_LIFETIME,
  ACCESS_TOKEN_MAX_LIFETIME,
  ACCESS_TOKEN_MEDIA_TYPE,
  ACCESS_TOKEN_TYP,
  AUTH_METHOD_CLIENT_SECRET_BASIC,
  AUTH_METHOD_CLIENT_SECRET_POST,
  AUTH_METHOD_NONE,
  AUTH_METHOD_PRIVATE_KEY_JWT,
  CLIENT_ASSERTION_MAX_LIFETIME,
  CLIENT_ASSERTION_TYPE_JWT_BEARER,
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  DEFAULT_ALLOWED_ALGORITHMS,
  DEFAULT_CLOCK_SKEW,
  DEFAULT_SIGNING_ALGORITHM,
  DPOP_PROOF_MAX_AGE,
  DPOP_PROOF_TYP,
  FORM_MAX_BYTES,
  FORM_MAX_PARAMETERS,
  FORM_MEDIA_TYPE,
  GRANT_PROFILE_ID_JAG,
  GRANT_TYPE_AUTHORIZATION_CODE,
  GRANT_TYPE_CLIENT_CREDENTIALS,
  GRANT_TYPE_DEVICE_CODE,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_JWT_DPOP,
  GRANT_TYPE_REFRESH_TOKEN,
  GRANT_TYPE_TOKEN_EXCHANGE,
  ID_JAG_DEFAULT_LIFETIME,
  ID_JAG_MAX_LIFETIME,
  ID_JAG_MEDIA_TYPE,
  ID_JAG_TYP,
  JSON_MEDIA_TYPE,
  MCP_EXTENSION_ENTERPRISE_MANAGED_AUTHORIZATION,
  METADATA_AUTHORIZATION_GRANT_PROFILES_SUPPORTED,
  METADATA_CLIENT_ID_METADATA_DOCUMENT_SUPPORTED,
  METADATA_IDENTITY_CHAINING_REQUESTED_TOKEN_TYPES_SUPPORTED,
  TOKEN_TYPE_ACCESS_TOKEN,
  TOKEN_TYPE_BEARER,
  TOKEN_TYPE_DPOP,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_JWT,
  TOKEN_TYPE_N_A,
  TOKEN_TYPE_REFRESH_TOKEN,
  TOKEN_TYPE_SAML2,
  WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER,
  WELL_KNOWN_OAUTH_PROTECTED_RESOURCE,
  WELL_KNOWN_OPENID_CONFIGURATION,
} from './constants.js'
export { type CreateDpopProofParams, createDpopProof } from './dpop/create.js'
export {
  type DpopProofOptions,
  dpopAccessTokenHash,
  publicJwk,
  type VerifiedDpopProof,
  verifyDpopProof,
} from './dpop/verify.js'
export {
  isProtocolError,
  NO_STORE_HEADERS,
  type OAuthErrorBody,
  type OAuthErrorCode,
  type OAuthErrorResponseOptions,
  oauthErrorStatus,
  PROTOCOL_ERROR_CODES,
  ProtocolError,
  type ProtocolErrorCode,
  type ProtocolErrorOptions,
  toOAuthErrorBody,
  toOAuthErrorResponse,
} from './errors.js'
export {
  type ClientAssertionOptions,
  type VerifiedClientAssertion,
  verifyClientAssertion,
} from './http/client-assertion.js'
export {
  buildBasicAuthorization,
  type ClientAuthentication,
  type ClientAuthenticationMethod,
  parseBasicAuthorization,
  parseClientAuthentication,
} from './http/client-auth.js'
export {
  assertFormContentType,
  type FormOptions,
  type FormSource,
  OAuthForm,
  parseForm,
  readForm,
} from './http/form.js'
export { buildWwwAuthenticate, parseWwwAuthenticate, type WwwAuthenticateChallenge } from './http/www-authenticate.js'
export {
  buildJwtBearerRequest,
  JWT_BEARER_REPEATABLE_PARAMETERS,
  type JwtBearerGrantType,
  type JwtBearerRequest,
  type JwtBearerRequestOptions,
  type JwtBearerRequestParams,
  parseJwtBearerRequest,
} from './jwt-bearer/request.js'
export {
  type AccessTokenResponseBody,
  type AccessTokenResponseParams,
  type AccessTokenType,
  accessTokenResponse,
  buildAccessTokenResponse,
  type ProcessedAccessTokenResponse,
  processAccessTokenResponse,
} from './jwt-bearer/response.js'
export {
  type AuthorizationServerMetadata,
  type AuthorizationServerMetadataOptions,
  assertIssuerIdentifier,
  authorizationServerMetadataUrls,
  buildAuthorizationServerMetadata,
  buildIdpMetadataAdditions,
  type IdpMetadataAdditions,
  validateAuthorizationServerMetadata,
} from './metadata/authorization-server.js'
export {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrls,
  validateProtectedResourceMetadata,
} from './metadata/protected-resource.js'
export type { ReplayStore } from './replay.js'
export {
  RESPONSE_ERROR_CODES,
  type ResponseErrorCode,
  ResponseValidationError,
  type ResponseValidationErrorOptions,
} from './response-error.js'
export {
  type AuthorizationDetail,
  parseAuthorizationDetails,
} from './token-exchange/authorization-details.js'
export {
  buildTokenExchangeRequest,
  parseTokenExchangeRequest,
  type RequestedTokenType,
  type SubjectTokenType,
  TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
  TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPES,
  type TokenExchangeRequest,
  type TokenExchangeRequestOptions,
  type TokenExchangeRequestParams,
} from './token-exchange/request.js'
export {
  buildTokenExchangeResponse,
  type ProcessedTokenExchangeResponse,
  processTokenExchangeResponse,
  type TokenExchangeResponseBody,
  type TokenExchangeResponseParams,
  tokenExchangeResponse,
} from './token-exchange/response.js'

// --- ID-JAG mint/verify, JWKS cache, RFC 9068 access tokens (branch protocol-jag) ---

export type { AccessTokenClaims, AccessTokenRegisteredClaims } from './access-token/claims.js'
export { type MintAccessTokenInput, type MintAccessTokenOptions, mintAccessToken } from './access-token/mint.js'
export { type VerifiedAccessToken, type VerifyAccessTokenOptions, verifyAccessToken } from './access-token/verify.js'
export {
  JWK_SET_MEDIA_TYPE,
  JWKS_CACHE_DEFAULT_COOLDOWN,
  JWKS_CACHE_DEFAULT_MAX_BYTES,
  JWKS_CACHE_DEFAULT_MAX_STALE_AGE,
  JWKS_CACHE_DEFAULT_TIMEOUT,
  JWKS_CACHE_DEFAULT_TTL,
  SUB_ID_FORMAT_SAML_NAMEID,
} from './constants.js'
export type {
  ActorClaim,
  ConfirmationClaim,
  IdJagClaims,
  IdJagRegisteredClaims,
  SamlNameIdSubjectIdentifier,
  SubjectIdentifier,
} from './id-jag/claims.js'
export { type MintIdJagInput, type MintIdJagOptions, mintIdJag } from './id-jag/mint.js'
export { ALLOW_ID_JAG_REPRESENTATION } from './id-jag/replay.js'
export { verifyIdJag } from './id-jag/verify.js'
export type { TrustedIssuer, VerifiedIdJag, VerifyIdJagContext } from './id-jag/verify-context.js'
export { createJwksCache, type JwksCache, type JwksCacheOptions, type JwksCacheStats } from './jwks/cache.js'
export {
  type KeySource,
  type SigningAlgorithm,
  type SigningKey,
  staticKeySource,
  type VerificationKey,
} from './keys.js'
export { intersectScopes, parseScope } from './scope.js'
