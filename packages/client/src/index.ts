// The public API of @openxaa/client: named re-exports only (no `export *`); src/internal/ is never exported.
// The MCP SDK integrations live in the subpath modules `@openxaa/client/mcp-v2` and `@openxaa/client/mcp-v1`.

export type { AccessTokenRequest, ServerAuthorization } from './access/broker.js'
export {
  type AccessToken,
  createXaaClient,
  createXaaFetch,
  type GetAccessTokenOptions,
  type SignInOptions,
  type XaaClient,
  type XaaClientDeps,
} from './client.js'
export { type ResourceChallenge, readChallenge } from './discovery/challenge.js'
export {
  isXaaError,
  SignInRequiredError,
  type SignInRequiredReason,
  XAA_ERROR_CODES,
  XaaError,
  type XaaErrorCode,
  type XaaErrorKind,
  type XaaErrorOptions,
} from './errors.js'
export { type OpenBrowser, openSystemBrowser } from './idp/browser.js'
export type { DeviceCodePrompt } from './idp/device.js'
export type { Identity } from './idp/session.js'
export { type InspectFinding, type InspectReport, inspectJwt, type JwtKind } from './inspect/inspect.js'
export type { LogFields, XaaLogger } from './internal/context.js'
export {
  ASSUME_ID_JAG_PROFILE,
  type AuthorizationServerCredentials,
  type DpopKeyPair,
  type IdpClientAuthentication,
  type IdpOptions,
  type PrivateKeyCredentials,
  type ResolvedOptions,
  type SecretCredentials,
  type XaaClientOptions,
} from './options.js'
export { FileTokenStore } from './token-store/file.js'
export { MemoryTokenStore } from './token-store/memory.js'
export { defaultConfigDir, defaultTokenStorePath } from './token-store/paths.js'
export {
  emptyTokenStoreData,
  type StoredAccessToken,
  type StoredBinding,
  type StoredSession,
  type TokenStore,
  type TokenStoreData,
} from './token-store/types.js'
