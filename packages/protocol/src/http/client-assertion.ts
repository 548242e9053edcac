import { type CompactVerifyGetKey, compactVerify, decodeProtectedHeader, type JWTPayload } from 'jose'
import {
  ACCESS_TOKEN_TYP,
  CLIENT_ASSERTION_MAX_LIFETIME,
  DEFAULT_ALLOWED_ALGORITHMS,
  DEFAULT_CLOCK_SKEW,
  DPOP_PROOF_TYP,
  ID_JAG_TYP,
} from '../constants.js'
import { ProtocolError } from '../errors.js'
import { assertAsymmetricAlgorithms } from '../internal/algorithms.js'
import { isJsonObject } from '../internal/json.js'
import type { ReplayStore } from '../replay.js'

/** What {@link verifyClientAssertion} needs to know about the client and the server. */
export interface ClientAssertionOptions {
  /** The client being authenticated: `iss` and `sub` must both equal it. */
  clientId: string
  /** Identifiers of this server accepted in `aud`: its issuer and its token endpoint URL. */
  audiences: readonly string[]
  /** Resolves the client's verification key from the protected header (jose key-function form). */
  keys: CompactVerifyGetKey
  /** Accepted `alg` values; asymmetric only. Default {@link DEFAULT_ALLOWED_ALGORITHMS}. */
  algorithms?: readonly string[]
  /** The current time. Default: the system clock. */
  now?: Date
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default {@link DEFAULT_CLOCK_SKEW}. */
  clockSkew?: number
  /** Longest accepted distance from now to `exp`, in seconds. Default {@link CLIENT_ASSERTION_MAX_LIFETIME}. */
  maxLifetime?: number
  /** Records `jti`s so an assertion authenticates once (RFC 7523 3 #7 MAY; recommended). Scope is the client id. */
  replay?: ReplayStore
}

/** The verified client assertion. */
export interface VerifiedClientAssertion {
  claims: JWTPayload & { iss: string; sub: string; jti: string; exp: number }
  header: Record<string, unknown>
}

// Typed tokens of this project must never double as client assertions (RFC 8725 3.11 cross-JWT confusion).
const FOREIGN_TYPES = new Set([ID_JAG_TYP, ACCESS_TOKEN_TYP, DPOP_PROOF_TYP])

function refuse(description: string, rule: string, detail?: string, cause?: unknown): ProtocolError {
  return new ProtocolError('ERR_CLIENT_ASSERTION', description, {
    rule,
    ...(detail === undefined ? {} : { detail }),
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Verifies a `private_key_jwt` client assertion: asymmetric `alg` from the allow-list (never `none` or HMAC),
 * the signature, then `iss` = `sub` = client id, `aud` naming this server, `exp` present, not past and not too
 * far, `nbf`/`iat` not in the future, `jti` present and (with `replay`) never seen. Every refusal is
 * `invalid_client` with code `ERR_CLIENT_ASSERTION` and the precise reason in `detail`.
 *
 * @example
 * ```ts
 * await verifyClientAssertion(auth.clientAssertion, {
 *   clientId: auth.clientId, audiences: [issuer, tokenEndpoint], keys: createLocalJWKSet(client.jwks), now: clock.now(),
 * })
 * ```
 * @see RFC 7523 section 3 and 2.2, RFC 7521 section 5.2, RFC 8725 section 3.1
 */
export async function verifyClientAssertion(
  assertion: string,
  options: ClientAssertionOptions,
): Promise<VerifiedClientAssertion> {
  if (options.audiences.length === 0) throw new TypeError('options.audiences must name this server')
  const algorithms = options.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS
  assertAsymmetricAlgorithms(algorithms, 'options.algorithms')
  const skew = options.clockSkew ?? DEFAULT_CLOCK_SKEW
  const maxLifetime = options.maxLifetime ?? CLIENT_ASSERTION_MAX_LIFETIME
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)

  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>
  } catch (cause) {
    throw refuse('client_assertion is not a JWT', 'RFC 7523 3', 'undecodable protected header', cause)
  }
  if (assertion.split('.').length !== 3) throw refuse('client_assertion is not a signed JWT', 'RFC 7523 3')
  const alg = header.alg
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw refuse('client_assertion is not signed with an accepted algorithm', 'RFC 7523 3 #9', `alg ${String(alg)}`)
  }
  if (typeof header.typ === 'string' && FOREIGN_TYPES.has(header.typ.toLowerCase().replace(/^application\//, ''))) {
    throw refuse('client_assertion has the type of another kind of token', 'RFC 8725 3.11', `typ ${header.typ}`)
  }

  let payload: Uint8Array
  try {
    ;({ payload } = await compactVerify(assertion, options.keys, { algorithms: [...algorithms] }))
  } catch (cause) {
    const code = (cause as { code?: unknown }).code
    throw refuse(
      'client_assertion signature could not be verified',
      'RFC 7523 3 #9',
      `signature check failed (${typeof code === 'string' ? code : 'key resolution'})`,
      cause,
    )
  }
  let claims: unknown
  try {
    claims = JSON.parse(new TextDecoder().decode(payload))
  } catch (cause) {
    throw refuse('client_assertion payload is not JSON', 'RFC 7523 3', undefined, cause)
  }
  if (!isJsonObject(claims)) throw refuse('client_assertion payload is not a JSON object', 'RFC 7523 3')

  // RFC 7523 3 #1: iss is the client_id for client authentication.
  if (claims.iss !== options.clientId) throw refuse('client_assertion iss is not the client', 'RFC 7523 3 #1', 'iss')
  // RFC 7523 3 #2.B: sub MUST be the client_id of the OAuth client.
  if (claims.sub !== options.clientId) throw refuse('client_assertion sub is not the client', 'RFC 7523 3 #2', 'sub')
  // RFC 7523 3 #3: aud MUST identify this server.
  const aud = claims.aud
  const audList = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : []
  if (!audList.some((a) => typeof a === 'string' && options.audiences.includes(a))) {
    throw refuse('client_assertion is not addressed to this server', 'RFC 7523 3 #3', 'aud')
  }
  // RFC 7523 3 #4: exp is REQUIRED; reject expired and, as allowed, those that live too long.
  const exp = claims.exp
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw refuse('client_assertion has no valid exp claim', 'RFC 7523 3 #4', 'exp missing or not a number')
  }
  if (now - skew >= exp) throw refuse('client_assertion has expired', 'RFC 7523 3 #4', 'exp in the past')
  if (exp - now > maxLifetime + skew) {
    throw refuse(
      'client_assertion expires too far in the future',
      'RFC 7523 3 #4',
      `exp more than ${maxLifetime}s away`,
    )
  }
  // RFC 7523 3 #5: nbf, if present, must have passed.
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + skew)) {
    throw refuse('client_assertion is not yet valid', 'RFC 7523 3 #5', 'nbf in the future or not a number')
  }
  // RFC 7523 3 #6: iat, if present, must be a number and not in the future.
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + skew)) {
    throw refuse('client_assertion iat is in the future', 'RFC 7523 3 #6', 'iat in the future or not a number')
  }
  // RFC 7523 3 #7: jti, required here so that a replay guard has something to key on.
  const jti = claims.jti
  if (typeof jti !== 'string' || jti === '') {
    throw refuse('client_assertion has no jti claim', 'RFC 7523 3 #7', 'jti missing or not a string')
  }
  if (options.replay !== undefined && !(await options.replay.firstUse(options.clientId, jti, exp))) {
    throw refuse('client_assertion was already used', 'RFC 7523 3 #7', 'jti replayed')
  }
  return { claims: claims as VerifiedClientAssertion['claims'], header }
}
