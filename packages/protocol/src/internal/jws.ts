import { base64url, type CompactJWSHeaderParameters, compactVerify, type JWSHeaderParameters } from 'jose'
import { isProtocolError } from '../errors.js'
import type { KeySource, VerificationKey } from '../keys.js'

/** Every asymmetric JWS algorithm. No verify option may name anything else (RFC 8725 sections 3.1 and 3.2). */
export const ASYMMETRIC_JWS_ALGORITHMS: ReadonlySet<string> = new Set([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
])

/** Header parameters that name or carry a key; a verifier never takes a key from the token it verifies. */
export const KEY_REFERENCE_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const

export interface DecodedJws {
  header: JWSHeaderParameters
  payload: Record<string, unknown>
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
// An empty signature part is syntactically a JWS (alg none); the algorithm check, not the parser, refuses it.
const SIGNATURE_PART = /^[A-Za-z0-9_-]*$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(base64url.decode(part)))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Splits a compact JWS and decodes its header and payload WITHOUT verifying anything. Returns a private reason
 * (never containing the token) when it is not a compact JWS with JSON object header and payload.
 */
export function decodeCompactJws(token: unknown): DecodedJws | string {
  if (typeof token !== 'string' || token.length === 0) return 'not a string'
  const parts = token.split('.')
  if (parts.length === 5) return 'a JWE (encrypted JWT); only signed compact JWS is accepted'
  if (parts.length !== 3) return `compact JWS has ${parts.length} parts instead of 3`
  if (!BASE64URL.test(parts[0]!) || !BASE64URL.test(parts[1]!) || !SIGNATURE_PART.test(parts[2]!)) {
    return 'a part is empty or not base64url'
  }
  const header = decodeJsonObject(parts[0]!)
  if (header === undefined) return 'the protected header is not a JSON object'
  if (header.enc !== undefined) return 'the header carries "enc" (JWE)'
  const payload = decodeJsonObject(parts[1]!)
  if (payload === undefined) return 'the payload is not a JSON object'
  return { header: header as JWSHeaderParameters, payload }
}

/** Explicit typing check (RFC 8725 3.11): media types compare case-insensitively, `application/` may be omitted. */
export function typMatches(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false
  const t = typ.toLowerCase()
  return t === expected || t === `application/${expected}`
}

export type SignatureFailure = 'key-not-found' | 'keys-unavailable' | 'signature'

export type SignatureResult = { ok: true } | { ok: false; failure: SignatureFailure; detail: string }

function assertPublicKey(key: unknown): asserts key is VerificationKey {
  const type = typeof key === 'object' && key !== null ? (key as { type?: unknown }).type : undefined
  if (type !== 'public') throw new TypeError('the key source returned something other than a public key')
}

function classify(err: unknown): { ok: false; failure: SignatureFailure; detail: string } {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  if (isProtocolError(err) && err.code === 'ERR_JWKS_UNAVAILABLE') {
    return { ok: false, failure: 'keys-unavailable', detail: err.detail ?? err.message }
  }
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return { ok: false, failure: 'key-not-found', detail: 'no key matches kid' }
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
    return { ok: false, failure: 'signature', detail: 'signature does not verify' }
  }
  // jose TypeErrors (key/alg mismatch, short RSA modulus) and JOSE codes carry no token material.
  const reason = typeof code === 'string' ? code : err instanceof Error ? err.message : 'unknown error'
  return { ok: false, failure: 'signature', detail: `signature not verifiable: ${reason}` }
}

type NodeCrypto = typeof import('node:crypto')
type NodeKeyObject = import('node:crypto').KeyObject

// Reached without a static import, so protocol still loads where node:crypto does not exist.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
// Derived, immutable data per key object (like jose's own key caches): a WeakMap holds nothing alive.
const keyObjects = new WeakMap<object, NodeKeyObject | null>()

/** The node:crypto KeyObject of a P-256 public key (a KeyObject, or a WebCrypto key converted once), else null. */
function p256KeyObject(crypto: NodeCrypto, key: VerificationKey): NodeKeyObject | null {
  let keyObject = keyObjects.get(key)
  if (keyObject === undefined) {
    try {
      const candidate =
        typeof (key as { export?: unknown }).export === 'function'
          ? (key as NodeKeyObject)
          : crypto.KeyObject.from(key as Parameters<NodeCrypto['KeyObject']['from']>[0])
      keyObject =
        candidate.type === 'public' &&
        candidate.asymmetricKeyType === 'ec' &&
        candidate.asymmetricKeyDetails?.namedCurve === 'prime256v1'
          ? candidate
          : null
    } catch {
      keyObject = null
    }
    keyObjects.set(key, keyObject)
  }
  return keyObject
}

const SIGNATURE_INVALID: SignatureResult = { ok: false, failure: 'signature', detail: 'signature does not verify' }

/**
 * ES256 with a P-256 key, verified synchronously by node:crypto: jose would verify on the thread pool through
 * WebCrypto, several times the cost of the check itself. Undefined when this path does not apply (jose decides).
 * The caller has refused `crit`, `b64` and key-naming headers, and checked every part is base64url.
 */
async function verifyEs256(
  crypto: NodeCrypto,
  token: string,
  keys: KeySource,
  header: JWSHeaderParameters | undefined,
): Promise<SignatureResult | undefined> {
  let kid: string | undefined
  if (header !== undefined) kid = header.kid
  else {
    const decoded = decodeCompactJws(token)
    if (typeof decoded === 'string') return undefined
    kid = decoded.header.kid
  }
  let key: VerificationKey
  try {
    key = await keys({ alg: 'ES256', kid })
    assertPublicKey(key)
  } catch (err) {
    // Several candidate keys: jose's path tries them one by one.
    if ((err as { code?: unknown })?.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return undefined
    return classify(err)
  }
  const keyObject = p256KeyObject(crypto, key)
  if (keyObject === null) return undefined
  const dot = token.lastIndexOf('.')
  const signature = Buffer.from(token.slice(dot + 1), 'base64url')
  // RFC 7518 3.4: R and S, 32 bytes each; a DER encoding or anything else is not an ES256 signature.
  if (signature.length !== 64) return SIGNATURE_INVALID
  const input = Buffer.from(token.slice(0, dot), 'ascii')
  return crypto.verify('sha256', input, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature)
    ? { ok: true }
    : SIGNATURE_INVALID
}

/**
 * Verifies the signature of a compact JWS with a key from `keys`, for exactly the algorithm `alg` (already checked
 * against the allow-list by the caller). The key source sees only `alg` and `kid`. `header` is the token's protected
 * header when the caller already decoded it ({@link decodeCompactJws}), so that it is not decoded again.
 */
export async function verifyJwsSignature(
  token: string,
  keys: KeySource,
  alg: string,
  header?: JWSHeaderParameters,
): Promise<SignatureResult> {
  if (alg === 'ES256' && nodeCrypto !== undefined) {
    const result = await verifyEs256(nodeCrypto, token, keys, header)
    if (result !== undefined) return result
  }
  const options = { algorithms: [alg] }
  const getKey = async (header: CompactJWSHeaderParameters) => {
    const key = await keys({ alg: header.alg, kid: header.kid })
    assertPublicKey(key)
    return key
  }
  try {
    await compactVerify(token, getKey, options)
    return { ok: true }
  } catch (err) {
    // Several members share the kid (or no kid was sent): jose hands back the candidates to try one by one.
    if (
      typeof err === 'object' &&
      err !== null &&
      (err as { code?: unknown }).code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' &&
      Symbol.asyncIterator in err
    ) {
      for await (const candidate of err as AsyncIterable<unknown>) {
        try {
          assertPublicKey(candidate)
          await compactVerify(token, candidate, options)
          return { ok: true }
        } catch {
          // try the next candidate
        }
      }
      return { ok: false, failure: 'signature', detail: 'no candidate key verifies the signature' }
    }
    return classify(err)
  }
}

/** Short, quoted rendering of an attacker-controlled value for a private `detail`; never used for tokens. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
