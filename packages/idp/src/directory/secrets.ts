/**
 * Generated credentials: client secrets and admin API keys. Both are 256-bit random values, so a fast hash
 * (SHA-256) is enough at rest; what is stored is never the value shown to the admin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

const PREFIX = 'sha256'

/** A new client secret (base64url of 32 random bytes). Shown once; store only {@link hashSecret}. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** A new admin API key, recognisable by its `oxa_` prefix (for secret scanners). */
export function generateApiKey(): string {
  return `oxa_${randomBytes(32).toString('base64url')}`
}

/** `sha256$<base64url>` of a generated secret. */
export function hashSecret(secret: string): string {
  return `${PREFIX}$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`
}

/** True when `secret` hashes to `hash`; constant-time. */
export function verifySecret(secret: unknown, hash: unknown): boolean {
  if (typeof secret !== 'string' || typeof hash !== 'string' || !hash.startsWith(`${PREFIX}$`)) return false
  const a = Buffer.from(hashSecret(secret))
  const b = Buffer.from(hash)
  return a.length === b.length && timingSafeEqual(a, b)
}
