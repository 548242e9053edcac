/**
 * Remembers, for a short time, that a client secret matched its scrypt hash, so that a client presenting the same
 * secret again is not hashed again: scrypt is meant to make guessing slow, and a correct secret presented on every
 * token request paid that price every time (tens of milliseconds of CPU, more than the whole rest of a request).
 *
 * An entry is an HMAC (key random per process, never stored) of the client id, the presented secret, the stored
 * hash and the row's `updated_at`: a rotated secret or any change of the client row is a miss, and neither the
 * secret nor something to test guesses against without the process's key is kept. Only successes are remembered;
 * a wrong secret always pays the full scrypt, so timing tells nothing new. Bounded (oldest first out) and expiring.
 *
 * Callers presenting the same verification while it runs share it ({@link VerifiedSecretCache.verify}). Without
 * that, the moment an entry expired every request of a busy client then in flight ran its own scrypt: with 32
 * connections, a second of one core's CPU every TTL, and every request of that second waiting for it.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { type Clock, nowMs } from '../clock.js'

/** How long a verified secret is remembered, by default. */
export const VERIFIED_SECRET_TTL_MS = 60_000
/** How many verified secrets are remembered at most, by default. */
export const VERIFIED_SECRET_MAX_ENTRIES = 10_000

/** What identifies one verification: the client row as it is now and the secret presented. */
export interface SecretVerification {
  clientId: string
  secret: string
  storedHash: string
  /** The client row's `updated_at`: any change of the client invalidates what was remembered. */
  updatedAt: number
}

/** A bounded, expiring set of verified (client, secret, row version) triples. */
export class VerifiedSecretCache {
  readonly #key = randomBytes(32)
  readonly #entries = new Map<string, number>()
  readonly #running = new Map<string, Promise<boolean>>()
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #maxEntries: number

  constructor(options: { clock?: Clock; ttlMs?: number; maxEntries?: number } = {}) {
    this.#clock = options.clock ?? Date.now
    this.#ttlMs = options.ttlMs ?? VERIFIED_SECRET_TTL_MS
    this.#maxEntries = options.maxEntries ?? VERIFIED_SECRET_MAX_ENTRIES
  }

  #id(v: SecretVerification): string {
    return createHmac('sha256', this.#key)
      .update(`${v.clientId.length}:${v.clientId}\0${v.storedHash}\0${v.updatedAt}\0`)
      .update(v.secret, 'utf8')
      .digest('base64url')
  }

  /**
   * True when this verification succeeded within the TTL; otherwise the result of `check` (the full hash
   * comparison), remembered when it succeeds. Calls for the same verification while its check runs wait for that
   * one check instead of starting their own.
   */
  verify(v: SecretVerification, check: () => Promise<boolean>): Promise<boolean> {
    const id = this.#id(v)
    if (this.#fresh(id)) return Promise.resolve(true)
    let running = this.#running.get(id)
    if (running === undefined) {
      running = check()
        .then((ok) => {
          if (ok) this.#remember(id)
          return ok
        })
        .finally(() => this.#running.delete(id))
      this.#running.set(id, running)
    }
    return running
  }

  /** True when exactly this verification succeeded within the TTL. */
  has(v: SecretVerification): boolean {
    return this.#fresh(this.#id(v))
  }

  #fresh(id: string): boolean {
    const expiresAt = this.#entries.get(id)
    if (expiresAt === undefined) return false
    if (expiresAt <= nowMs(this.#clock)) {
      this.#entries.delete(id)
      return false
    }
    return true
  }

  /** Remembers a successful verification. */
  add(v: SecretVerification): void {
    this.#remember(this.#id(v))
  }

  #remember(id: string): void {
    this.#entries.delete(id)
    while (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(id, nowMs(this.#clock) + this.#ttlMs)
  }

  /** Forgets everything (e.g. when an administrator changes credentials in bulk). */
  clear(): void {
    this.#entries.clear()
  }

  /** Entries held now (expired ones included until looked at). */
  get size(): number {
    return this.#entries.size
  }
}
