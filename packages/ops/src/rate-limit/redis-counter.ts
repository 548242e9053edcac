/**
 * A fixed-window counter in Redis, shared by every replica that points at the same Redis and prefix. One Lua script
 * per request increments the window's key and sets its expiry when it is new, atomically (no window can be left
 * without an expiry). Every command is bounded: the connection and each command time out after `timeout` ms, and
 * while the connection is down a command fails at once instead of waiting in a queue. The caller decides what a
 * failure means (the limiter fails open).
 * @see ../../../../docs/operations.md "Limits"
 */
import type { Redis } from 'ioredis'
import type { RateLimitCounter } from './counter.js'

/** Where the counters live. */
export interface RedisCounterOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string
  /** Prepended to every key, e.g. `openxaa:rl:`. */
  prefix: string
  /** Deadline of the connection and of each command, in ms. */
  timeout: number
}

// KEYS[1] the window's key; ARGV[1] its lifetime in ms. The expiry is set with the first count only.
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`

type HitClient = Redis & { openxaaHit(key: string, ttlMs: number): Promise<number> }

/**
 * A counter over a new Redis connection; `close()` ends it. The client library is loaded here, in the background,
 * so a server without Redis never loads it.
 */
export function redisRateLimitCounter(options: RedisCounterOptions, now: () => number): Required<RateLimitCounter> {
  let closed = false
  const connecting: Promise<HitClient> = import('ioredis').then(({ Redis }) => {
    const client = new Redis(options.url, {
      connectTimeout: options.timeout,
      commandTimeout: options.timeout,
      // A command sent while disconnected fails at the next failed reconnect instead of being retried later.
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      lazyConnect: closed,
    }) as HitClient
    // Without a listener an 'error' event is printed by ioredis; the limiter reports failures itself.
    client.on('error', () => {})
    client.defineCommand('openxaaHit', { numberOfKeys: 1, lua: HIT_SCRIPT })
    return client
  })
  // A failed load is reported by each hit; never as an unhandled rejection.
  connecting.catch(() => {})
  return {
    async hit(key, windowMs) {
      const client = await connecting
      // While reconnecting after a failure, do not wait for the next attempt: fail now (and fail open).
      if (client.status === 'reconnecting' || client.status === 'end' || client.status === 'close') {
        throw new Error(`redis ${client.status}`)
      }
      const t = now()
      const start = t - (t % windowMs)
      const resetAt = start + windowMs
      // The key outlives its window by a little, for replicas whose clocks lag.
      const count = await client.openxaaHit(`${options.prefix}${key}:${start}`, resetAt - t + 5000)
      return { count: Number(count), resetAt }
    },
    async close() {
      closed = true
      const client = await connecting.catch(() => undefined)
      if (client === undefined) return
      try {
        await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, options.timeout).unref())])
      } catch {
        // Already down: nothing to close gracefully.
      }
      client.disconnect()
    },
  }
}
