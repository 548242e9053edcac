// The public API of @openxaa/resource-server: named re-exports only; framework adapters live at ./hono and ./node.

export type { AuthContext, TokenVerifier } from './auth-context.js'
export type { AuthRefusal } from './bearer/challenge.js'
export { type BearerRequestParts, bearerPartsOf, extractBearerToken } from './bearer/extract.js'
export { authContextOf, type McpAuthInfo, requireToolScopes, toMcpAuthInfo } from './mcp/auth-info.js'
export { authenticateMcpRequest, type McpAuthOptions, requiredScopesOf } from './mcp/authenticate.js'
export { checkToolScopes, scopesForMcpMessage, type ToolScopes } from './mcp/tool-scopes.js'
export {
  INTROSPECTION_DEFAULT_CACHE_TTL,
  INTROSPECTION_MAX_CACHE_TTL,
  type IntrospectionVerifierOptions,
  type JSONWebKeySet,
  type JwksCacheTuning,
  type JwtVerifierOptions,
  type ResolvedResourceServerOptions,
  type ResourceServerOptions,
} from './options.js'
export {
  type AuthenticateOptions,
  type AuthSuccess,
  type AuthVerdict,
  assertScopes,
  createResourceServer,
  type ResourceServer,
} from './resource-server.js'
