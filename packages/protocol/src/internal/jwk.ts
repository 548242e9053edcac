import type { JSONWebKeySet, JWK } from 'jose'

// Asymmetric key types only: an `oct` key in a published set would let a MAC "verify" with public data.
const ASYMMETRIC_KTY = new Set(['EC', 'RSA', 'OKP', 'AKP'])
// A published set carrying private material is misconfigured; such a member is not trusted for anything.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True for a JWK this project may verify signatures with: asymmetric, public, `use` absent or `sig`. */
export function isVerificationJwk(jwk: unknown): jwk is JWK {
  if (!isPlainObject(jwk)) return false
  if (typeof jwk.kty !== 'string' || !ASYMMETRIC_KTY.has(jwk.kty)) return false
  if (jwk.use !== undefined && jwk.use !== 'sig') return false
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return false
  return PRIVATE_MEMBERS.every((member) => jwk[member] === undefined)
}

/**
 * Checks the outer shape of a JWK Set document and keeps only the members usable for signature verification.
 * Returns a description of the problem instead when the document is not a JWK Set.
 */
export function toVerificationKeySet(document: unknown): JSONWebKeySet | string {
  if (!isPlainObject(document)) return 'the JWK Set is not a JSON object'
  if (!Array.isArray(document.keys)) return 'the JWK Set has no "keys" array'
  return { keys: document.keys.filter(isVerificationJwk) }
}
