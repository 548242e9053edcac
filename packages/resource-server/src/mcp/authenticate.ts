import { isProtocolError } from '@openxaa/protocol'
import type { AuthContext } from '../auth-context.js'
import { bearerPartsOf, extractBearerToken } from '../bearer/extract.js'
import { type AuthVerdict, assertScopes, type ResourceServer } from '../resource-server.js'
import { scopesForMcpMessage, type ToolScopes, unionScopes } from './tool-scopes.js'

/** What an MCP endpoint requires of every request, and of each tool. */
export interface McpAuthOptions {
  /** Scopes every request needs (e.g. a base `mcp` scope). Default none. */
  requiredScopes?: readonly string[]
  /** Scopes per tool; a `tools/call` needs the base scopes and its tool's. */
  toolScopes?: ToolScopes
}

function mediaType(headers: Headers): string | undefined {
  return headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
}

/** The scopes a request needs: the base ones plus those of every tool it calls (body read from a clone). */
export async function requiredScopesOf(request: Request, options: McpAuthOptions): Promise<string[]> {
  const base = options.requiredScopes ?? []
  if (options.toolScopes === undefined || request.method !== 'POST') return [...base]
  const type = mediaType(request.headers)
  if (type !== 'application/json' && !type?.endsWith('+json')) return [...base]
  let message: unknown
  try {
    message = await request.clone().json()
  } catch {
    // Unparseable: the MCP server answers the parse error; it calls no tool.
    return [...base]
  }
  return unionScopes(base, scopesForMcpMessage(message, options.toolScopes))
}

/**
 * Authenticates a web-standard request to an MCP endpoint: the scopes it needs are the base scopes plus, for
 * `tools/call`, the scopes of the tool it names, so a 401 or 403 challenge names exactly what this call needs.
 * The token is verified once. The body is read (from a clone) only when the answer depends on it: for a challenge,
 * or when the token lacks a scope some tool needs; a token holding every tool's scopes passes whatever tool it calls.
 *
 * @see spec/xaa-protocol.md section 6, server steps 3-5
 */
export async function authenticateMcpRequest(
  rs: ResourceServer,
  request: Request,
  options: McpAuthOptions = {},
): Promise<AuthVerdict> {
  const { toolScopes } = options
  if (toolScopes === undefined || request.method !== 'POST') {
    return rs.authenticate(request, { requiredScopes: options.requiredScopes ?? [] })
  }
  let auth: AuthContext
  let token: string
  try {
    token = extractBearerToken(await bearerPartsOf(request))
    auth = await rs.verifyToken(token)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return rs.refuse(err, await requiredScopesOf(request, options))
  }
  const everyScope = unionScopes(options.requiredScopes ?? [], Object.values(toolScopes).flat())
  const required = everyScope.every((scope) => auth.scopes.includes(scope))
    ? everyScope
    : await requiredScopesOf(request, options)
  try {
    assertScopes(auth, required)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return rs.refuse(err, required)
  }
  return Object.freeze({ ok: true as const, auth, token })
}
