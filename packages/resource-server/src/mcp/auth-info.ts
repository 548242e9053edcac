import { ProtocolError } from '@openxaa/protocol'
import type { AuthContext } from '../auth-context.js'
import { type AuthSuccess, assertScopes, type ResourceServer } from '../resource-server.js'

/**
 * The `AuthInfo` shape both MCP SDKs hand to request handlers (v2: `ctx.http.authInfo`, v1: `extra.authInfo`).
 * `extra` carries the {@link AuthContext} fields: `subject`, `organization`, `issuer`, `tokenId`, `claims`.
 */
export interface McpAuthInfo {
  /** The access token, because the SDK type requires it. Never send it to another service (no token passthrough). */
  token: string
  clientId: string
  scopes: string[]
  /** Epoch seconds. */
  expiresAt?: number
  resource?: URL
  resourceMetadataUrl?: string
  extra?: Record<string, unknown>
}

/**
 * The MCP SDK `AuthInfo` for an accepted request.
 *
 * @see spec/xaa-protocol.md section 2(e)
 */
export function toMcpAuthInfo(rs: ResourceServer, success: AuthSuccess): McpAuthInfo {
  const { auth } = success
  const info: McpAuthInfo = {
    token: success.token,
    clientId: auth.clientId,
    scopes: [...auth.scopes],
    resource: new URL(rs.options.resource),
    resourceMetadataUrl: rs.resourceMetadataUrl,
    extra: {
      subject: auth.subject,
      organization: auth.organization,
      issuer: auth.issuer,
      tokenId: auth.tokenId,
      claims: auth.claims,
    },
  }
  if (auth.expiresAt !== undefined) info.expiresAt = auth.expiresAt
  return info
}

/**
 * The {@link AuthContext} inside an MCP SDK `AuthInfo` that {@link toMcpAuthInfo} made, for tool handlers:
 * `const user = authContextOf(ctx.http?.authInfo)`. Throws `ERR_BEARER_MISSING` when the request was not
 * authenticated by this middleware (a handler mounted without it must not serve anyone's data).
 */
export function authContextOf(authInfo: McpAuthInfo | undefined): AuthContext {
  const extra = authInfo?.extra
  if (authInfo === undefined || extra === undefined || typeof extra.subject !== 'string') {
    throw new ProtocolError('ERR_BEARER_MISSING', 'the request is not authenticated', {
      detail: 'handler reached without the resource-server middleware',
    })
  }
  return Object.freeze({
    subject: extra.subject,
    clientId: authInfo.clientId,
    scopes: Object.freeze([...authInfo.scopes]),
    organization: typeof extra.organization === 'string' ? extra.organization : undefined,
    issuer: String(extra.issuer),
    expiresAt: authInfo.expiresAt,
    tokenId: typeof extra.tokenId === 'string' ? extra.tokenId : undefined,
    claims: (extra.claims ?? {}) as Readonly<Record<string, unknown>>,
  })
}

/**
 * For tool handlers: the caller's {@link AuthContext}, after checking it holds every scope in `scopes`
 * (defence in depth behind the middleware's per-tool check; a refusal throws `ERR_INSUFFICIENT_SCOPE`, which
 * the SDK reports as a tool error).
 *
 * @example
 * server.registerTool('notes.create', {...}, async (args, ctx) => {
 *   const user = requireToolScopes(ctx.http?.authInfo, ['notes.write'])
 * })
 * @see spec/xaa-protocol.md section 6, server step 5
 */
export function requireToolScopes(authInfo: McpAuthInfo | undefined, scopes: readonly string[]): AuthContext {
  const auth = authContextOf(authInfo)
  assertScopes(auth, scopes)
  return auth
}
