import {
  buildWwwAuthenticate,
  NO_STORE_HEADERS,
  oauthErrorStatus,
  type ProtocolError,
  TOKEN_TYPE_BEARER,
} from '@openxaa/protocol'

/** A refused request: the status, headers and body to answer with, and the typed reason. */
export interface AuthRefusal {
  readonly ok: false
  /** 400 `invalid_request`, 401 (no token, or `invalid_token`), 403 `insufficient_scope`, 503. */
  readonly status: number
  /** The refusal with its internal `code`, public `oauthError` and private `detail` (for logs, never sent). */
  readonly error: ProtocolError
  /** The `WWW-Authenticate` value, if the answer carries one. */
  readonly challenge: string | undefined
  readonly headers: Readonly<Record<string, string>>
  /** The JSON body, or '' for a request that sent no token. */
  readonly body: string
  /** A fresh web-standard Response for this refusal. */
  response(): Response
}

/** What a challenge needs to know about the resource. */
export interface ChallengeContext {
  resourceMetadataUrl: string
  /** Scopes the operation needs; when empty, the resource's `scopes_supported` (if any) are offered instead. */
  scopes: readonly string[]
  scopesSupported: readonly string[] | undefined
}

// RFC 6750 3: error-description = *( %x20-21 / %x23-5B / %x5D-7E )
function describe(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ')
}

/**
 * Turns a refusal into its HTTP answer, as RFC 6750 section 3 and the MCP authorization spec have it:
 * - no token: 401, `Bearer resource_metadata="…", scope="…"`, no error information (RFC 6750 3.1 SHOULD NOT);
 * - `invalid_token`: 401 with `error` and `error_description` added;
 * - `insufficient_scope`: 403 whose `scope` names every scope the operation needs;
 * - `invalid_request`: 400 with the challenge; `temporarily_unavailable`: 503 with `Retry-After`, no challenge.
 * Bodies are `{ error, error_description }` JSON, never the private `detail`; every answer is `no-store`.
 *
 * @see RFC 6750 section 3 and 3.1; RFC 9728 section 5.1; spec/xaa-protocol.md section 6, server steps 3-5
 */
export function refusal(error: ProtocolError, ctx: ChallengeContext): AuthRefusal {
  const status = oauthErrorStatus(error.oauthError)
  const missing = error.code === 'ERR_BEARER_MISSING'
  const scopes = ctx.scopes.length > 0 ? ctx.scopes : (ctx.scopesSupported ?? [])
  const scope = scopes.length > 0 ? scopes.join(' ') : undefined
  const description = describe(error.description)
  const headers: Record<string, string> = { ...NO_STORE_HEADERS }
  let challenge: string | undefined
  if (status === 503) {
    headers['Retry-After'] = '5'
  } else {
    challenge = buildWwwAuthenticate(TOKEN_TYPE_BEARER, {
      ...(!missing && { error: error.oauthError, error_description: description }),
      resource_metadata: ctx.resourceMetadataUrl,
      scope,
    })
    headers['WWW-Authenticate'] = challenge
  }
  let body = ''
  if (!missing) {
    headers['Content-Type'] = 'application/json'
    const json: Record<string, string> = { error: error.oauthError, error_description: description }
    if (error.oauthError === 'insufficient_scope' && scope !== undefined) json.scope = scope
    body = JSON.stringify(json)
  }
  const frozen = Object.freeze(headers)
  return Object.freeze({
    ok: false as const,
    status,
    error,
    challenge,
    headers: frozen,
    body,
    // A fresh headers object each time: @hono/node-server adds Content-Length to the init object it is given.
    response: () => new Response(body === '' ? null : body, { status, headers: { ...frozen } }),
  })
}
