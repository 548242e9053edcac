// RFC 8725 3.1-3.2: `none` and MAC algorithms never verify a token signed with a public key.

/** True for JWS algorithms that are neither `none` nor symmetric (HMAC). */
export function isAsymmetricAlgorithm(alg: string): boolean {
  return alg.toLowerCase() !== 'none' && !/^HS\d+$/i.test(alg)
}

/** Throws a TypeError naming `path` when an allow-list holds `none` or an HMAC algorithm, or is empty. */
export function assertAsymmetricAlgorithms(algorithms: readonly string[], path: string): void {
  if (algorithms.length === 0) throw new TypeError(`${path} must not be empty`)
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) throw new TypeError(`${path} must not contain ${alg}`)
  }
}
