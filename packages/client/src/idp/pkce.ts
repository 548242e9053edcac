import { createHash, randomBytes } from 'node:crypto'

/** A PKCE pair (RFC 7636): 256 random bits as verifier, its S256 challenge. */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

/** An unguessable `state` or `nonce` value (128 bits). */
export function randomValue(): string {
  return randomBytes(16).toString('base64url')
}
