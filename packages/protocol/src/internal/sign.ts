import { base64url, SignJWT } from 'jose'
import type { SigningKey } from '../keys.js'

const SIGNING_ALGORITHMS = new Set(['ES256', 'RS256', 'PS256', 'EdDSA'])

/** Refuses a signing key that cannot produce a verifiable, rotatable token (kid and alg are required). */
export function checkSigningKey(key: SigningKey, where: string): void {
  if (typeof key !== 'object' || key === null) throw new TypeError(`${where}: key must be a SigningKey`)
  if (typeof key.kid !== 'string' || key.kid.length === 0) throw new TypeError(`${where}: key.kid must be a string`)
  if (!SIGNING_ALGORITHMS.has(key.alg)) throw new TypeError(`${where}: key.alg must be ES256, RS256, PS256 or EdDSA`)
  const type = (key.privateKey as { type?: unknown } | undefined)?.type
  if (type !== 'private') throw new TypeError(`${where}: key.privateKey must be a private key`)
}

/** 128 random bits, base64url: a `jti` no two issuances share. */
export function randomJti(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(16)))
}

/** Signs a payload as a compact JWS with header `{ alg, kid, typ }`. */
export function signJwt(payload: Record<string, unknown>, key: SigningKey, typ: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey)
}
