import { type CryptoKey, createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters, type KeyObject } from 'jose'
import { toVerificationKeySet } from './internal/jwk.js'

/** The algorithms this project signs with (project decision 5). @see spec/xaa-protocol.md section 8.5 */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'PS256' | 'EdDSA'

/**
 * A private key that signs ID-JAGs or access tokens, with the `kid` and `alg` placed in the JOSE header.
 * @see spec/xaa-protocol.md section 2(c)
 */
export interface SigningKey {
  kid: string
  alg: SigningAlgorithm
  privateKey: CryptoKey | KeyObject
}

/** A public verification key. Secrets (`Uint8Array`, `oct` keys) are deliberately not part of this type. */
export type VerificationKey = CryptoKey | KeyObject

/**
 * Resolves the verification key for a JWS header, in the key-function form jose's `jwtVerify` and `compactVerify`
 * accept. Verifiers pass only `alg` and `kid`: keys named by `jku`, `x5u`, `jwk` or `x5c` are never used.
 * Throws jose's `JWKSNoMatchingKey` for an unknown `kid`.
 *
 * @example
 * const keys: KeySource = staticKeySource({ keys: [publicJwk] })
 * @see spec/xaa-protocol.md section 2(d) step 4, checklist item 16
 */
export type KeySource = (header: JWSHeaderParameters) => Promise<VerificationKey>

/**
 * A {@link KeySource} over an inline JWK Set. Members that are symmetric, private, or marked for another `use` than
 * `sig` are dropped. Throws a TypeError when `jwks` is not a JWK Set.
 *
 * @example
 * const keys = staticKeySource({ keys: [await exportJWK(publicKey)] })
 * @see spec/xaa-protocol.md section 2(d) step 4
 */
export function staticKeySource(jwks: JSONWebKeySet): KeySource {
  const set = toVerificationKeySet(jwks)
  if (typeof set === 'string') throw new TypeError(`staticKeySource: ${set}`)
  const local = createLocalJWKSet(set)
  return (header) => local({ alg: header.alg, kid: header.kid })
}
