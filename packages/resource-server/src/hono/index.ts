// Hono adapter: type-only imports of hono, so the package has no runtime dependency on it.
import type { MiddlewareHandler } from 'hono'
import type { AuthContext } from '../auth-context.js'
import { type McpAuthInfo, toMcpAuthInfo } from '../mcp/auth-info.js'
import { authenticateMcpRequest, type McpAuthOptions } from '../mcp/authenticate.js'
import { checkToolScopes } from '../mcp/tool-scopes.js'
import type { ResourceServer } from '../resource-server.js'

/** The typed context variables {@link requireAuth} sets: `c.var.auth` and `c.var.authInfo`. */
export interface AuthVariables {
  /** Who is calling (no token inside). */
  auth: AuthContext
  /** The same, as the MCP SDK's `AuthInfo`: pass it as `handler.fetch(c.req.raw, { authInfo: c.var.authInfo })`. */
  authInfo: McpAuthInfo
}

/** A Hono `Env` carrying {@link AuthVariables}: `new Hono<AuthEnv>()`. */
export type AuthEnv = { Variables: AuthVariables }

/**
 * Hono middleware that answers the RFC 9728 metadata document at both well-known paths and passes every other
 * request on. Mount it app-wide: `app.use(protectedResourceMetadata(rs))`.
 *
 * @see RFC 9728 section 3; spec/xaa-protocol.md section 6, server steps 1-2
 */
export function protectedResourceMetadata(rs: ResourceServer): MiddlewareHandler {
  return async (c, next) => {
    const response = rs.metadataResponse(c.req.raw)
    if (response !== undefined) return response
    await next()
  }
}

/**
 * Hono middleware that lets a request through only with a valid access token holding the scopes it needs (the
 * base `requiredScopes`, plus for `tools/call` those of the tool), setting `c.var.auth` and `c.var.authInfo`;
 * otherwise it answers the 400/401/403 challenge itself and the handler never runs.
 *
 * @example
 * const app = new Hono<AuthEnv>()
 * app.use(protectedResourceMetadata(rs))
 * app.all('/mcp', requireAuth(rs, { toolScopes }), (c) => mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }))
 * @see spec/xaa-protocol.md section 6; checklist items 36 and 37
 */
export function requireAuth(rs: ResourceServer, options: McpAuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const opts: McpAuthOptions = {
    ...(options.requiredScopes !== undefined && { requiredScopes: Object.freeze([...options.requiredScopes]) }),
    ...(options.toolScopes !== undefined && { toolScopes: checkToolScopes(options.toolScopes) }),
  }
  return async (c, next) => {
    const verdict = await authenticateMcpRequest(rs, c.req.raw, opts)
    if (!verdict.ok) return verdict.response()
    c.set('auth', verdict.auth)
    c.set('authInfo', toMcpAuthInfo(rs, verdict))
    await next()
  }
}

export type { McpAuthOptions } from '../mcp/authenticate.js'
