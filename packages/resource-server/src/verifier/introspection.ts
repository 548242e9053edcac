import {
  buildBasicAuthorization,
  FORM_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  ProtocolError,
  type ProtocolErrorCode,
  parseScope,
} from '@openxaa/protocol'
import { type AuthContext, authContext, type TokenVerifier } from '../auth-context.js'
import type { ResolvedIntrospectionVerifier, ResolvedResourceServerOptions } from '../options.js'

const RULE = 'RFC 7662 2.2'

type Outcome = { auth: AuthContext } | { error: ProtocolError }

function refuse(code: ProtocolErrorCode, description: string, detail: string): ProtocolError {
  return new ProtocolError(code, description, { rule: RULE, detail })
}

function claimFail(claim: string, problem: string): ProtocolError {
  return refuse('ERR_ACCESS_TOKEN_CLAIM', `the access token ${claim} is missing or invalid`, `${claim} ${problem}`)
}

/** The cache key: a SHA-256 of the token, so the cache never holds a usable token. */
async function tokenKey(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  const base64 = btoa(String.fromCharCode(...new Uint8Array(digest)))
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Checks an `active: true` answer the way a JWT access token is checked: not a DPoP-bound token, `iss` one of the
 * trusted authorization servers (when given), `aud` naming this resource (required: MCP servers must never accept
 * tokens meant for another resource), `exp`/`nbf` with skew, `sub` and `client_id` present, `scope` well-formed.
 */
function checkActive(
  answer: Record<string, unknown>,
  v: ResolvedIntrospectionVerifier,
  o: ResolvedResourceServerOptions,
): AuthContext {
  const now = Math.floor(o.clock() / 1000)
  const { token_type, iss, aud, exp, nbf, sub, client_id, scope } = answer
  if (token_type !== undefined && (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer')) {
    throw claimFail('token_type', 'is not Bearer')
  }
  if (answer.cnf !== undefined) {
    throw refuse('ERR_ACCESS_TOKEN_CLAIM', 'the access token is sender-constrained', 'cnf present on a Bearer token')
  }
  if (iss !== undefined && (typeof iss !== 'string' || !o.authorizationServers.includes(iss))) {
    throw refuse('ERR_ACCESS_TOKEN_ISSUER', 'the access token was issued by another server', 'iss not trusted')
  }
  const audiences = typeof aud === 'string' ? [aud] : aud
  if (!Array.isArray(audiences) || !audiences.includes(o.resource)) {
    throw refuse('ERR_ACCESS_TOKEN_AUDIENCE', 'the access token is not intended for this resource', 'aud lacks it')
  }
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) throw claimFail('exp', 'is not a number')
  if (typeof exp === 'number' && now >= exp + v.clockSkew) {
    throw refuse('ERR_ACCESS_TOKEN_EXPIRED', 'the access token has expired', 'exp in the past')
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + v.clockSkew))
    throw claimFail('nbf', 'is in the future')
  if (typeof sub !== 'string' || sub === '') throw claimFail('sub', 'missing or not a string')
  if (typeof client_id !== 'string' || client_id === '') throw claimFail('client_id', 'missing or not a string')
  let scopes: string[] = []
  if (scope !== undefined) {
    try {
      scopes = parseScope(String(scope))
    } catch {
      throw claimFail('scope', 'is malformed')
    }
  }
  return authContext(answer, {
    subject: sub,
    clientId: client_id,
    issuer: typeof iss === 'string' ? iss : o.authorizationServers[0]!,
    scopes,
  })
}

/**
 * Verifies opaque access tokens by RFC 7662 introspection (POST `token` + `token_type_hint=access_token`,
 * authenticated with `client_secret_basic`). Answers, `active: false` included, are cached for `cacheTtl` but never
 * past the token's `exp`, keyed by a SHA-256 of the token; concurrent calls for one token share one request. An
 * unreachable or misbehaving endpoint is `ERR_INTROSPECTION_UNAVAILABLE` (503) and is not cached.
 *
 * @see RFC 7662 sections 2.1 and 2.2, section 4 (caching); spec/xaa-protocol.md section 2(e)
 */
export function createIntrospectionVerifier(
  v: ResolvedIntrospectionVerifier,
  o: ResolvedResourceServerOptions,
): TokenVerifier & { readonly stats: { calls: number; hits: number; entries: number } } {
  const cache = new Map<string, { until: number; outcome: Outcome }>()
  const inFlight = new Map<string, Promise<Outcome>>()
  const counters = { calls: 0, hits: 0 }
  const authorization = buildBasicAuthorization(v.clientId, v.clientSecret)

  async function introspect(token: string): Promise<Record<string, unknown>> {
    counters.calls++
    let answer: unknown
    try {
      const res = await o.fetch(v.endpoint, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization, 'content-type': FORM_MEDIA_TYPE, accept: JSON_MEDIA_TYPE },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(v.timeout),
      })
      if (res.status !== 200) {
        await res.body?.cancel()
        throw new Error(`status ${res.status}`)
      }
      answer = await res.json()
    } catch (err) {
      throw refuse('ERR_INTROSPECTION_UNAVAILABLE', 'the token could not be checked', (err as Error).message)
    }
    if (typeof answer !== 'object' || answer === null || typeof (answer as { active?: unknown }).active !== 'boolean') {
      throw refuse('ERR_INTROSPECTION_UNAVAILABLE', 'the token could not be checked', 'answer lacks boolean active')
    }
    return answer as Record<string, unknown>
  }

  async function decide(token: string): Promise<Outcome> {
    const answer = await introspect(token)
    if (answer.active !== true) {
      return { error: refuse('ERR_ACCESS_TOKEN_INACTIVE', 'the access token is not active', 'active is false') }
    }
    try {
      return { auth: checkActive(answer, v, o) }
    } catch (err) {
      return { error: err as ProtocolError }
    }
  }

  function remember(key: string, outcome: Outcome): void {
    const now = o.clock()
    let until = now + v.cacheTtl
    const exp = 'auth' in outcome ? outcome.auth.expiresAt : undefined
    if (exp !== undefined) until = Math.min(until, exp * 1000)
    if (until <= now) return
    // Map keeps insertion order: the first key is the oldest entry.
    while (cache.size >= v.cacheMaxEntries) cache.delete(cache.keys().next().value!)
    cache.set(key, { until, outcome })
  }

  async function lookup(token: string): Promise<Outcome> {
    const key = await tokenKey(token)
    const hit = cache.get(key)
    if (hit !== undefined) {
      if (hit.until > o.clock()) {
        counters.hits++
        return hit.outcome
      }
      cache.delete(key)
    }
    let pending = inFlight.get(key)
    if (pending === undefined) {
      pending = decide(token).then((outcome) => {
        remember(key, outcome)
        return outcome
      })
      pending.finally(() => inFlight.delete(key)).catch(() => {})
      inFlight.set(key, pending)
    }
    return pending
  }

  return {
    async verify(token) {
      const outcome = await lookup(token)
      if ('error' in outcome) throw outcome.error
      // A cached answer is rechecked against the clock: exp may have passed since it was stored.
      const exp = outcome.auth.expiresAt
      if (exp !== undefined && Math.floor(o.clock() / 1000) >= exp + v.clockSkew) {
        throw refuse('ERR_ACCESS_TOKEN_EXPIRED', 'the access token has expired', 'exp in the past')
      }
      return outcome.auth
    },
    get stats() {
      return { ...counters, entries: cache.size }
    },
  }
}
