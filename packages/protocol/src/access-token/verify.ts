import type { JWSHeaderParameters } from 'jose'
import { ACCESS_TOKEN_TYP, DEFAULT_ALLOWED_ALGORITHMS, DEFAULT_CLOCK_SKEW } from '../constants.js'
import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import {
  ASYMMETRIC_JWS_ALGORITHMS,
  decodeCompactJws,
  KEY_REFERENCE_HEADERS,
  quote,
  typMatches,
  verifyJwsSignature,
} from '../internal/jws.js'
import { checkSeconds, isNonEmptyString, isNumericDate, resolveNow } from '../internal/values.js'
import type { KeySource } from '../keys.js'
import { splitScope } from '../scope.js'
import type { AccessTokenClaims } from './claims.js'

/** What {@link verifyAccessToken} checks a token against. */
export interface VerifyAccessTokenOptions {
  /** The resource AS issuer identifier; `iss` must equal it exactly. */
  issuer: string
  /** This resource server's identifier; `aud` must contain it. */
  audience: string
  /** The resource AS's keys (its `jwks_uri` through a JWKS cache, or an inline set). */
  keys: KeySource
  /** Default {@link DEFAULT_ALLOWED_ALGORITHMS}; asymmetric only. */
  algorithms?: readonly string[]
  /** Current time, epoch seconds. */
  now?: number
  /** Seconds of tolerance on `exp`, `nbf`, `iat`. Default {@link DEFAULT_CLOCK_SKEW}. */
  clockSkew?: number
  /** Every one of these must be in `scope`, else `ERR_INSUFFICIENT_SCOPE` (403). */
  requiredScopes?: readonly string[]
}

/** A verified access token. */
export interface VerifiedAccessToken {
  header: JWSHeaderParameters
  claims: AccessTokenClaims
  /** The distinct tokens of `scope`. */
  scopes: string[]
}

const RULE = '2(e) #36'

function refuse(code: ProtocolErrorCode, description: string, detail: string, rule = RULE): ProtocolError {
  return new ProtocolError(code, description, { rule, detail })
}

function claimFail(claim: string, problem: string): ProtocolError {
  return refuse(
    'ERR_ACCESS_TOKEN_CLAIM',
    `the access token ${claim} claim is missing or invalid`,
    `${claim} ${problem}`,
  )
}

/**
 * Verifies an RFC 9068 JWT access token at a resource server: `typ` (`at+jwt` or `application/at+jwt`), no key
 * named by the token, algorithm allow-list, signature (before any claim), `iss` exactly, `aud` contains the resource,
 * `exp`/`nbf`/`iat` with skew, the REQUIRED claims, then `requiredScopes`. Refusals are {@link ProtocolError}s with
 * `oauthError` `invalid_token` (401), or `insufficient_scope` (403) carrying the needed `scope` in `extra`.
 *
 * @example
 * const { claims, scopes } = await verifyAccessToken(bearer, {
 *   issuer: 'https://as.chat.example', audience: 'https://mcp.chat.example', keys, requiredScopes: ['chat.read'] })
 * @see spec/xaa-protocol.md section 2(e) and section 6, checklist items 36 and 37
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifiedAccessToken> {
  const where = 'verifyAccessToken: options'
  if (!isNonEmptyString(options?.issuer)) throw new TypeError(`${where}.issuer must be the AS issuer identifier`)
  if (!isNonEmptyString(options.audience)) throw new TypeError(`${where}.audience must be this resource's identifier`)
  if (typeof options.keys !== 'function') throw new TypeError(`${where}.keys must be a KeySource`)
  const algorithms = options.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS
  if (!Array.isArray(algorithms) || !algorithms.every((a) => ASYMMETRIC_JWS_ALGORITHMS.has(a))) {
    throw new TypeError(`${where}.algorithms must list asymmetric JWS algorithms only`)
  }
  const skew = checkSeconds(options.clockSkew, DEFAULT_CLOCK_SKEW, `${where}.clockSkew`)
  const now = resolveNow(options.now, 'verifyAccessToken')

  // Compact JWS with JSON header and payload
  const decoded = decodeCompactJws(token)
  if (typeof decoded === 'string') {
    throw refuse('ERR_ACCESS_TOKEN_MALFORMED', 'the access token is not a well-formed signed JWT', decoded)
  }
  const { header, payload } = decoded
  // RFC 9068 4: typ is at+jwt, so an ID-JAG or ID Token is never accepted as an access token
  if (!typMatches(header.typ, ACCESS_TOKEN_TYP)) {
    const detail = header.typ === undefined ? 'typ header missing' : `typ header is ${quote(header.typ)}`
    throw refuse('ERR_ACCESS_TOKEN_TYP', 'the token is not a JWT access token (typ header)', detail)
  }
  // Keys only from the AS's set; algorithm allow-list; signature before any claim (RFC 8725 3.1, 3.2)
  const reference = KEY_REFERENCE_HEADERS.find((name) => header[name] !== undefined)
  const { alg } = header
  if (reference !== undefined || header.crit !== undefined || header.b64 !== undefined) {
    const detail = `header carries ${reference ?? 'crit or b64'}`
    throw refuse('ERR_ACCESS_TOKEN_SIGNATURE', 'the access token signature is not acceptable', detail)
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    const detail = `alg ${quote(alg)} is not on the allow-list`
    throw refuse('ERR_ACCESS_TOKEN_SIGNATURE', 'the access token signature is not acceptable', detail)
  }
  const signature = await verifyJwsSignature(token, options.keys, alg, header)
  if (!signature.ok) {
    // The AS's keys could not be had (discovery or the JWKS fetch failed, no good set kept): a verdict on this server,
    // not on the token. invalid_token would make the client throw away a token that may be good and start over.
    if (signature.failure === 'keys-unavailable') {
      throw refuse('ERR_JWKS_UNAVAILABLE', 'the authorization server keys are unavailable', signature.detail)
    }
    throw refuse('ERR_ACCESS_TOKEN_SIGNATURE', 'the access token signature is invalid', signature.detail)
  }

  // iss exactly; aud contains this resource
  if (payload.iss !== options.issuer) {
    throw refuse('ERR_ACCESS_TOKEN_ISSUER', 'the access token was issued by another server', 'iss differs')
  }
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : payload.aud
  if (!Array.isArray(audiences) || !audiences.includes(options.audience)) {
    throw refuse('ERR_ACCESS_TOKEN_AUDIENCE', 'the access token is not intended for this resource', 'aud lacks it')
  }
  // exp, nbf, iat with skew
  const { exp, iat, nbf } = payload
  if (!isNumericDate(exp)) throw claimFail('exp', 'missing or not a NumericDate')
  if (!isNumericDate(iat)) throw claimFail('iat', 'missing or not a NumericDate')
  if (now >= exp + skew) throw refuse('ERR_ACCESS_TOKEN_EXPIRED', 'the access token has expired', 'exp in the past')
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf > now + skew)) throw claimFail('nbf', 'is in the future')
  if (iat > now + skew) throw claimFail('iat', 'is in the future')
  // RFC 9068 2.2 REQUIRED claims
  for (const claim of ['sub', 'client_id', 'jti'] as const) {
    if (!isNonEmptyString(payload[claim])) throw claimFail(claim, 'missing or not a string')
  }
  const scopes = payload.scope === undefined ? [] : splitScope(payload.scope)
  if (scopes === undefined) throw claimFail('scope', 'is malformed')
  // RFC 6750 3.1: the token is fine but does not carry every scope this request needs
  const missing = (options.requiredScopes ?? []).filter((scope) => !scopes.includes(scope))
  if (missing.length > 0) {
    throw new ProtocolError('ERR_INSUFFICIENT_SCOPE', 'the access token lacks a scope this request needs', {
      rule: '6.5 #37',
      detail: `missing scope ${missing.join(' ')}`,
      extra: { scope: (options.requiredScopes ?? []).join(' ') },
    })
  }
  return { header, claims: payload as AccessTokenClaims, scopes }
}
