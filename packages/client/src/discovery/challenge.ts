import { parseScope, parseWwwAuthenticate } from '@openxaa/protocol'
import { getJson, type HttpContext } from '../internal/http.js'

/** What a resource server's 401 or 403 said, from its `WWW-Authenticate` Bearer (or DPoP) challenge. */
export interface ResourceChallenge {
  /** RFC 9728 5.1 `resource_metadata`. */
  resourceMetadata?: string
  /** Scopes the server asks for (MCP: SHOULD be sent on 401, MUST on 403 insufficient_scope). */
  scopes?: string[]
  /** `invalid_token`, `insufficient_scope`, ... */
  error?: string
}

/**
 * Reads the Bearer/DPoP challenge of a 401/403 response. A malformed header or a malformed `scope` is ignored
 * (the well-known fallbacks and `scopes_supported` still work), never fatal.
 *
 * @see RFC 6750 section 3; RFC 9728 section 5.1; xaa-protocol.md section 6, client steps 1 and 6
 */
export function readChallenge(headers: Headers): ResourceChallenge | undefined {
  const header = headers.get('www-authenticate')
  if (header === null) return undefined
  let challenges: ReturnType<typeof parseWwwAuthenticate>
  try {
    challenges = parseWwwAuthenticate(header)
  } catch {
    return undefined
  }
  const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'dpop')
  if (challenge === undefined) return undefined
  const result: ResourceChallenge = {}
  const { resource_metadata: metadata, scope, error } = challenge.params
  if (metadata !== undefined && metadata !== '') result.resourceMetadata = metadata
  if (scope !== undefined && scope !== '') {
    try {
      result.scopes = parseScope(scope)
    } catch {
      // an unusable scope is as good as none: scopes_supported is used instead
    }
  }
  if (error !== undefined) result.error = error
  return result
}

/**
 * Asks the server for its challenge without a token (a GET, which changes nothing): used when a token is wanted
 * before any request met a 401, e.g. `openxaa token <server>`. Undefined when the server sent no challenge.
 *
 * @see RFC 9728 section 5.1; MCP authorization, "Authorization Server Location"
 */
export async function probeChallenge(http: HttpContext, serverUrl: string): Promise<ResourceChallenge | undefined> {
  const result = await getJson(http, serverUrl)
  return result.status === 401 || result.status === 403 ? readChallenge(result.headers) : undefined
}
