/** Key pairs for the JWS algorithms OpenXAA signs with, and their RFC 7638 thumbprints as `kid`. */
import { createHash, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'

const generate = promisify(generateKeyPair)

/** Algorithms a signing key can be created for (spec section 8.5: ES256 by default). */
export const SIGNING_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const

/** A signing algorithm of {@link SIGNING_ALGORITHMS}. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/** A public JWK as published in a JWKS. */
export interface PublicJwk extends JsonWebKey {
  kid: string
  alg: string
  use: 'sig'
}

/** True for a supported signing algorithm. */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly unknown[]).includes(value)
}

async function keyPair(alg: SigningAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' })
    case 'ES384':
      return generate('ec', { namedCurve: 'P-384' })
    case 'RS256':
    case 'PS256':
      return generate('rsa', { modulusLength: 2048 })
    case 'EdDSA':
      return generate('ed25519')
  }
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url')
}

/** A fresh key pair: its kid (thumbprint), public JWK, and private key as PKCS #8 DER. */
export async function generateSigningKey(
  alg: SigningAlgorithm,
): Promise<{ kid: string; publicJwk: PublicJwk; privateDer: Buffer; privateKey: KeyObject }> {
  const { publicKey, privateKey } = await keyPair(alg)
  const jwk = publicKey.export({ format: 'jwk' })
  const kid = jwkThumbprint(jwk)
  return {
    kid,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }),
    privateKey,
  }
}
