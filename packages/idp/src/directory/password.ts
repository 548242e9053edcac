/**
 * Password hashing with scrypt (memory-hard, in node:crypto): `scrypt$<log2N>$<r>$<p>$<salt>$<hash>`, base64url.
 * The cost travels with the hash, so raising it later leaves old hashes verifiable.
 */
import { randomBytes, type ScryptOptions, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto'

const PREFIX = 'scrypt'
const R = 8
const P = 1
const KEY_LENGTH = 32
const SALT_LENGTH = 16

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN
  // Node refuses N*r*128 above maxmem (32 MiB by default); allow what the parameters need, with headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * Hashes a password with scrypt at cost 2^`logN` (default 2^17, the OWASP minimum).
 * @example const hash = await hashPassword('correct horse battery staple')
 */
export async function hashPassword(password: string, logN = 17): Promise<string> {
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
    throw new TypeError('password must be a non-empty string of at most 1024 characters')
  }
  const salt = randomBytes(SALT_LENGTH)
  const key = await scrypt(password, salt, logN, R, P)
  return [PREFIX, logN, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** A hash of a random password at the given cost: verified against when the user is unknown, to even out timing. */
export function dummyPasswordHash(logN: number): Promise<string> {
  return hashPassword(randomBytes(16).toString('base64url'), logN)
}

/** True when `password` matches `hash`; false for a malformed hash. Constant-time comparison. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split('$')
  if (parts.length !== 6 || parts[0] !== PREFIX) return false
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16)
    return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== KEY_LENGTH || typeof password !== 'string' || password.length > 1024) return false
  const actual = await scrypt(password, salt, logN, r, p)
  return timingSafeEqual(actual, expected)
}
