import type { Kysely } from 'kysely'
import type { VerifiedSecretCache } from '../auth-server/secret-cache.js'
import type { Clock } from '../clock.js'
import type { SigningKeyOpener } from '../keys/store.js'
import type { Database, SqlDialect } from '../schema.js'

/** What every repository is built on: an executor (the pool or a transaction), its dialect, and the clock. */
export interface RepositoryContext {
  readonly db: Kysely<Database>
  readonly dialect: SqlDialect
  readonly clock: Clock
  /** Client secrets recently verified, shared by every executor of one store (absent: always hash). */
  readonly verifiedSecrets?: VerifiedSecretCache
  /** Decrypts current signing-key rows read by other queries, sharing the key store's cache (absent: not read). */
  readonly signingKeys?: SigningKeyOpener
}

/**
 * Runs `fn` in a transaction, or directly when `db` already is one (Kysely has no nested transactions; the caller's
 * transaction already gives the atomicity).
 */
export async function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db)
  return db.transaction().execute(fn)
}

/** Lets a background purge run at most once per interval, per repository instance. */
export class PurgeSchedule {
  #last = Number.NEGATIVE_INFINITY
  #running = false
  constructor(readonly intervalMs: number) {}

  /** True when a purge is due at `now`; marks it as started. */
  due(now: number): boolean {
    if (this.#running || now - this.#last < this.intervalMs) return false
    this.#last = now
    this.#running = true
    return true
  }

  done(): void {
    this.#running = false
  }
}
