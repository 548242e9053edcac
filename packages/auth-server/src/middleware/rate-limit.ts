/**
 * A fixed-window limit per remote address on the credential endpoints (checklist #29: the token endpoint is
 * rate-limited and monitored). Per instance: behind a load balancer each replica limits its share. Requests whose
 * remote address is unknown (an embedding without node bindings) are not limited here: the embedder limits them.
 * @see spec/xaa-protocol.md checklist #29
 */
import { JSON_MEDIA_TYPE, NO_STORE_HEADERS, ProtocolError } from '@openxaa/protocol'
import type { MiddlewareHandler } from 'hono'
import { AUDIT_ACTIONS, clientActor, recordRefusal } from '../audit.js'
import type { AppEnv, RedemptionContext } from '../context.js'
import { BoundedMap } from '../internal/bounded-map.js'

const WINDOW_MS = 60_000

function remoteAddress(env: unknown): string | undefined {
  const address = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming?.socket
    ?.remoteAddress
  return typeof address === 'string' ? address : undefined
}

/** The middleware; a no-op when the limit is off. */
export function rateLimit(context: RedemptionContext): MiddlewareHandler<AppEnv> {
  const limit = context.options.rateLimitPerMinute
  const windows = new BoundedMap<string, { start: number; count: number }>(10_000)
  return async (c, next) => {
    const address = limit > 0 ? remoteAddress(c.env) : undefined
    if (address === undefined) return next()
    const now = context.nowMs()
    let window = windows.get(address)
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, count: 0 }
      windows.set(address, window)
    }
    window.count++
    if (window.count <= limit) return next()
    const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000))
    // Audit the first refusal of a window only: a flood must not become a flood of audit rows.
    if (window.count === limit + 1) {
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
