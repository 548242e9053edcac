/**
 * Fixed-window request counters: the interface every backend implements (memory here, Redis in `redis-counter.ts`,
 * the store's `rate_limit_window` table on PostgreSQL, passed in by the servers), and the per-process one.
 * @see ../../../../docs/operations.md "Limits"
 */

/** Counts requests per key in fixed windows. */
export interface RateLimitCounter {
  /** Counts one request for `key` in the window of `windowMs` that holds now: the count so far (this one included)
   * and when the window ends (epoch ms). */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>
  /** Releases connections, if the counter holds any. */
  close?(): Promise<void>
}

/**
 * Counters in this process (one replica, or SQLite). At most `maxKeys` keys are held: past that, windows that have
 * ended are dropped first, then the oldest key, so a flood of new addresses cannot grow memory without bound.
 * @example const counter = memoryRateLimitCounter(Date.now)
 */
export function memoryRateLimitCounter(now: () => number, maxKeys = 10_000): RateLimitCounter {
  const windows = new Map<string, { start: number; count: number }>()
  return {
    async hit(key, windowMs) {
      const t = now()
      const start = t - (t % windowMs)
      let window = windows.get(key)
      if (window === undefined || window.start !== start) {
        windows.delete(key)
        if (windows.size >= maxKeys) {
          for (const [k, w] of windows) if (w.start + windowMs <= t) windows.delete(k)
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string)
        }
        window = { start, count: 0 }
        windows.set(key, window)
      }
      window.count++
      return { count: window.count, resetAt: start + windowMs }
    },
  }
}
