/**
 * A fixed-window limit per remote address on the credential endpoints (checklist #29: the token endpoint is
 * rate-limited and monitored). The counter is pluggable: in memory per instance by default, and the store's shared
 * `rate_limit_window` table when the store is PostgreSQL, so N replicas behind a load balancer enforce one limit.
 * Requests whose remote address is unknown (an embedding without node bindings) are not limited here: the embedder
 * limits them.
 * @see spec/xaa-protocol.md checklist #29
 */
import { JSON_MEDIA_TYPE, NO_STORE_HEADERS, ProtocolError } from '@openxaa/protocol'
import type { MiddlewareHandler } from 'hono'
import { AUDIT_ACTIONS, clientActor, recordRefusal } from '../audit.js'
import type { AppEnv, RedemptionContext } from '../context.js'
import { BoundedMap } from '../internal/bounded-map.js'

const WINDOW_MS = 60_000

/** Counts requests per key in fixed windows; `count` includes this one. */
export interface RateLimitCounter {
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>
}

/** Per-instance counters (one process, or SQLite). */
export function memoryRateLimitCounter(now: () => number): RateLimitCounter {
  const windows = new BoundedMap<string, { start: number; count: number }>(10_000)
  return {
    async hit(key, windowMs) {
      const t = now()
      const start = t - (t % windowMs)
      let window = windows.get(key)
      if (!window || window.start !== start) {
        window = { start, count: 0 }
        windows.set(key, window)
      }
      window.count++
      return { count: window.count, resetAt: start + windowMs }
    },
  }
}

/** The counter a context uses: the store's shared windows on PostgreSQL, memory otherwise. */
export function rateLimitCounterFor(context: RedemptionContext): RateLimitCounter {
  const shared = (context.store as Partial<RedemptionContext['store']>).rateLimits
  return context.store.dialect === 'postgres' && shared !== undefined
    ? shared
    : memoryRateLimitCounter(() => context.nowMs())
}

function remoteAddress(env: unknown): string | undefined {
  const address = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming?.socket
    ?.remoteAddress
  return typeof address === 'string' ? address : undefined
}

/** The middleware; a no-op when the limit is off. */
export function rateLimit(
  context: RedemptionContext,
  counter: RateLimitCounter = rateLimitCounterFor(context),
): MiddlewareHandler<AppEnv> {
  const limit = context.options.rateLimitPerMinute
  return async (c, next) => {
    const address = limit > 0 ? remoteAddress(c.env) : undefined
    if (address === undefined) return next()
    const { count, resetAt } = await counter.hit(`as:ip:${address}`, WINDOW_MS)
    if (count <= limit) return next()
    const retryAfter = Math.max(1, Math.ceil((resetAt - context.nowMs()) / 1000))
    // Audit the first refusal of a window only: a flood must not become a flood of audit rows.
    if (count === limit + 1) {
      const err = new ProtocolError('ERR_RATE_LIMITED', 'too many requests', {
        rule: '#29',
        detail: `more than ${limit} requests a minute from one address`,
      })
      await recordRefusal(context, AUDIT_ACTIONS.rateLimit, clientActor(undefined), err, {
        requestId: c.get('requestId'),
        data: { path: c.req.path },
      })
    }
    return new Response(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'too many requests' }), {
      status: 429,
      headers: { ...NO_STORE_HEADERS, 'Content-Type': JSON_MEDIA_TYPE, 'Retry-After': String(retryAfter) },
    })
  }
}
