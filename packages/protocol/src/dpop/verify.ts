import { base64url, calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose'
import { DEFAULT_ALLOWED_ALGORITHMS, DEFAULT_CLOCK_SKEW, DPOP_PROOF_MAX_AGE, DPOP_PROOF_TYP } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { assertAsymmetricAlgorithms } from '../internal/algorithms.js'
import { isJsonObject } from '../internal/json.js'
import { parseAbsoluteUri } from '../internal/uri.js'
import type { ReplayStore } from '../replay.js'

/** The request a DPoP proof must be bound to, and the server's acceptance window. */
export interface DpopProofOptions {
  /** The HTTP method of the request, e.g. `POST`. Compared exactly. */
  htm: string
  /** The request URI; query and fragment are ignored on both sides. */
  htu: string
  /** The current time. Default: the system clock. */
  now?: Date
  /** Seconds of clock skew tolerated on `iat` in the future. Default {@link DEFAULT_CLOCK_SKEW}. */
  clockSkew?: number
  /** Oldest accepted `iat`, in seconds before now. Default {@link DPOP_PROOF_MAX_AGE}. */
  maxAge?: number
  /** Accepted `alg` values; asymmetric only. Default {@link DEFAULT_ALLOWED_ALGORITHMS}. */
  algorithms?: readonly string[]
  /** The access token presented with the proof (resource server): `ath` must be its hash. */
  accessToken?: string
  /** Nonce(s) the server currently accepts; when set, a proof without a matching `nonce` gets `use_dpop_nonce`. */
  nonce?: string | readonly string[]
  /** Records `jti`s (scoped by key thumbprint) until the proof is too old to be accepted again. */
  replay?: ReplayStore
}

/** A verified DPoP proof: the key it proves possession of. */
export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key: compare with `cnf.jkt`. */
  jkt: string
  /** The public key from the proof header. */
  jwk: JWK
  jti: string
  iat: number
}

// Members that only a private or symmetric JWK has (RFC 7517, RFC 7518 6).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

function refuse(description: string, rule: string, detail: string, cause?: unknown): ProtocolError {
  return new ProtocolError('ERR_DPOP_PROOF', description, { rule, detail, ...(cause === undefined ? {} : { cause }) })
}

/** base64url(SHA-256(ASCII(access token))): the `ath` claim value (RFC 9449 4.2). */
export async function dpopAccessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))
  return base64url.encode(new Uint8Array(digest))
}

function htuKey(value: string): string | undefined {
  const url = parseAbsoluteUri(value)
  return url === undefined ? undefined : `${url.origin}${url.pathname}`
}

/**
 * Verifies a DPoP proof per RFC 9449 4.3: one well-formed JWT, `typ` dpop+jwt, an asymmetric `alg` from the
 * allow-list, a public `jwk` (no private members) that verifies the signature, `htm` and `htu` of this request,
 * `iat` inside the window, a `jti` (never seen, with `replay`), `ath` = hash of the access token when one is
 * given, and the server nonce when required (`use_dpop_nonce`). Other refusals are `invalid_dpop_proof`.
 *
 * @example
 * ```ts
 * const { jkt } = await verifyDpopProof(request.headers.get('dpop')!, { htm: 'POST', htu: tokenEndpoint, now })
 * ```
 * @see RFC 9449 section 4.3
 */
export async function verifyDpopProof(proof: string, options: DpopProofOptions): Promise<VerifiedDpopProof> {
  const algorithms = options.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS
  assertAsymmetricAlgorithms(algorithms, 'options.algorithms')
  const expectedHtu = htuKey(options.htu)
  if (expectedHtu === undefined) throw new TypeError('options.htu must be an absolute URL')
  const skew = options.clockSkew ?? DEFAULT_CLOCK_SKEW
  const maxAge = options.maxAge ?? DPOP_PROOF_MAX_AGE
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)

  // 4.3 steps 1-2: a single well-formed JWT (several DPoP headers joined by ", " fail here).
  if (typeof proof !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(proof)) {
    throw refuse('the DPoP proof is not a JWT', 'RFC 9449 4.3.2', 'not a compact JWS')
  }
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>
  } catch (cause) {
    throw refuse('the DPoP proof is not a JWT', 'RFC 9449 4.3.2', 'undecodable header', cause)
  }
  // 4.3 step 4: typ
  if (header.typ !== DPOP_PROOF_TYP) {
    throw refuse('the DPoP proof has the wrong typ', 'RFC 9449 4.3.4', `typ ${String(header.typ).slice(0, 40)}`)
  }
  // 4.3 step 5: asymmetric alg on the allow-list
  const alg = header.alg
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw refuse('the DPoP proof alg is not accepted', 'RFC 9449 4.3.5', `alg ${String(alg).slice(0, 20)}`)
  }
  // 4.3 step 7: the embedded key is public
  const jwk = header.jwk
  if (!isJsonObject(jwk) || typeof jwk.kty !== 'string') {
    throw refuse('the DPoP proof has no jwk header', 'RFC 9449 4.3.3', 'jwk missing or not an object')
  }
  if (jwk.kty === 'oct' || PRIVATE_MEMBERS.some((m) => jwk[m] !== undefined)) {
    throw refuse('the DPoP proof jwk must be a public key', 'RFC 9449 4.3.7', 'jwk has private key members')
  }
  // 4.3 step 6: the signature verifies with that key
  let payload: Uint8Array
  try {
    const key = await importJWK(jwk as JWK, alg)
    ;({ payload } = await compactVerify(proof, key, { algorithms: [alg] }))
  } catch (cause) {
    throw refuse('the DPoP proof signature is invalid', 'RFC 9449 4.3.6', 'signature or key check failed', cause)
  }
  let claims: unknown
  try {
    claims = JSON.parse(new TextDecoder().decode(payload))
  } catch (cause) {
    throw refuse('the DPoP proof payload is not JSON', 'RFC 9449 4.3.2', 'payload not JSON', cause)
  }
  if (!isJsonObject(claims)) throw refuse('the DPoP proof payload is not an object', 'RFC 9449 4.3.2', 'payload')
  // 4.3 step 3: required claims
  const { jti, htm, htu, iat } = claims
  if (typeof jti !== 'string' || jti === '') throw refuse('the DPoP proof has no jti', 'RFC 9449 4.3.3', 'jti')
  if (typeof htm !== 'string') throw refuse('the DPoP proof has no htm', 'RFC 9449 4.3.3', 'htm')
  if (typeof htu !== 'string') throw refuse('the DPoP proof has no htu', 'RFC 9449 4.3.3', 'htu')
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw refuse('the DPoP proof has no iat', 'RFC 9449 4.3.3', 'iat')
  }
  // 4.3 step 8: htm
  if (htm !== options.htm) throw refuse('the DPoP proof htm does not match the request', 'RFC 9449 4.3.8', 'htm')
  // 4.3 step 9: htu without query and fragment
  if (htuKey(htu) !== expectedHtu) {
    throw refuse('the DPoP proof htu does not match the request', 'RFC 9449 4.3.9', 'htu')
  }
  // 4.3 step 10: server-provided nonce
  if (options.nonce !== undefined) {
    const accepted = typeof options.nonce === 'string' ? [options.nonce] : options.nonce
    if (typeof claims.nonce !== 'string' || !accepted.includes(claims.nonce)) {
      throw new ProtocolError('ERR_DPOP_NONCE', 'a DPoP nonce from this server is required', {
        rule: 'RFC 9449 8',
        detail: claims.nonce === undefined ? 'nonce missing' : 'nonce stale or unknown',
      })
    }
  }
  // 4.3 step 11: iat within the window
  if (iat > now + skew) throw refuse('the DPoP proof is issued in the future', 'RFC 9449 4.3.11', 'iat ahead')
  if (iat < now - maxAge - skew) throw refuse('the DPoP proof is too old', 'RFC 9449 4.3.11', 'iat too old')
  // 4.3 step 12: ath binds the proof to the presented access token
  if (options.accessToken !== undefined) {
    if (typeof claims.ath !== 'string') {
      throw refuse('the DPoP proof has no ath', 'RFC 9449 4.3.12', 'ath missing')
    }
    if (claims.ath !== (await dpopAccessTokenHash(options.accessToken))) {
      throw refuse('the DPoP proof ath does not match the access token', 'RFC 9449 4.3.12', 'ath mismatch')
    }
  }
  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256')
  // RFC 9449 11.1: a proof is single-use within its acceptance window.
  if (options.replay !== undefined && !(await options.replay.firstUse(jkt, jti, iat + maxAge + skew))) {
    throw refuse('the DPoP proof was already used', 'RFC 9449 11.1', 'jti replayed')
  }
  return { jkt, jwk: publicJwk(jwk as JWK), jti, iat }
}

/** Only the members that describe a public key (RFC 7638 3.2 plus kty/alg/crv/kid), for storage and display. */
export function publicJwk(jwk: JWK): JWK {
  const out: JWK = {}
  for (const m of ['kty', 'crv', 'x', 'y', 'n', 'e', 'alg', 'kid'] as const) {
    if (jwk[m] !== undefined) out[m] = jwk[m]
  }
  return out
}
