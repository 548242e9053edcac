/** Injected time (`options.clock`): a function returning epoch milliseconds or a `Date`. */
export type Clock = () => number | Date

/** Epoch milliseconds from a clock reading. */
export function nowMs(clock: Clock): number {
  const t = clock()
  const ms = t instanceof Date ? t.getTime() : t
  if (!Number.isFinite(ms)) throw new TypeError('options.clock must return epoch milliseconds or a valid Date')
  return Math.floor(ms)
}

/** Epoch milliseconds from an optional `now` argument (ms or `Date`), falling back to the clock. */
export function resolveNow(clock: Clock, now?: number | Date): number {
  if (now === undefined) return nowMs(clock)
  return nowMs(() => now)
}
