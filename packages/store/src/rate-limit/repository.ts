/**
 * Fixed-window request counters in the shared database: one atomic upsert per request returns the window's count,
 * the same on every replica. Old windows are purged on a schedule.
 * @see spec/xaa-protocol.md checklist #29 (the token endpoint is rate-limited)
 */
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { PurgeSchedule } from '../internal/context.js'

const MAX_KEY_LENGTH = 512

/** Shared fixed-window counters. */
export interface RateLimitRepository {
  /**
   * Counts one request for `key` in the window of `windowMs` that holds now; returns the count so far (1 for the
   * first) and when the window ends (epoch ms).
   * @example const { count } = await store.rateLimits.hit('ip:203.0.113.7', 60_000)
   */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>
  /** Deletes windows that ended before `beforeMs`. Returns the count. */
  purge(beforeMs: number): Promise<number>
}

/** Builds the repository over a context. */
export function createRateLimitRepository(
  context: RepositoryContext,
  schedule = new PurgeSchedule(60_000),
): RateLimitRepository {
  const { db, clock } = context
  const repository: RateLimitRepository = {
    async hit(key, windowMs) {
      if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
        throw new TypeError(`key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`)
      }
      if (!Number.isInteger(windowMs) || windowMs < 1000) throw new TypeError('windowMs must be an integer >= 1000')
      const now = nowMs(clock)
      const windowStart = now - (now % windowMs)
      // One statement: insert the window or add one to it, and read the result (atomic on both dialects).
      const row = await db
        .insertInto('rate_limit_window')
        .values({ key, window_start: windowStart, count: 1 })
        .onConflict((oc) =>
          oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ count: eb('rate_limit_window.count', '+', 1) })),
        )
        .returning('count')
        .executeTakeFirstOrThrow()
      if (schedule.due(now)) {
        repository
          .purge(windowStart - windowMs)
          .catch(() => {})
          .finally(() => schedule.done())
      }
      return { count: Number(row.count), resetAt: windowStart + windowMs }
    },
    async purge(beforeMs) {
      const result = await db.deleteFrom('rate_limit_window').where('window_start', '<', beforeMs).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
  return repository
}
