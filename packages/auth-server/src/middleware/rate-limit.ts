/**
 * The rate limits of the credential endpoints (checklist #29: the token endpoint is rate-limited and monitored),
 * over the shared limiter of `@openxaa/ops`: every request to `/token`, `/introspect` and `/revoke` counts against
 * its remote address before anything else (failed client authentication included), and a token request counts
 * against its client once the client has authenticated. The counter is Redis when configured, the store's
 * `rate_limit_window` table on PostgreSQL, memory otherwise; N replicas on one of the first two enforce one limit.
 * The first refusal of each window is audited. Requests whose remote address is unknown (an embedding without node
 * bindings) are not limited by address here: the embedder limits them. Behind a proxy (`trustProxy`) the address is
 * the last `X-Forwarded-For` entry.
 * @see spec/xaa-protocol.md checklist #29; docs/operations.md "Limits"
 */
import {
  clientAddress,
  createRateLimiter,
  type RateLimiter,
  type RateLimitRefusal,
  rateLimitedResponse,
  type ServerMetrics,
} from '@openxaa/ops'
import { ProtocolError } from '@openxaa/protocol'
import type { Context, MiddlewareHandler } from 'hono'
import { AUDIT_ACTIONS, clientActor, recordRefusal } from '../audit.js'
import type { AppEnv, RedemptionContext } from '../context.js'

/** The limiter of one server: Redis if configured, else the store's shared windows on PostgreSQL, else memory. */
export function createAsRateLimiter(context: RedemptionContext, metrics: ServerMetrics): RateLimiter {
  const shared = (context.store as Partial<RedemptionContext['store']>).rateLimits
  return createRateLimiter({
    service: 'as',
    limits: context.options.rateLimits,
    shared: context.store.dialect === 'postgres' ? shared : undefined,
    now: () => context.nowMs(),
    metrics,
    logger: context.logger,
  })
}

/** The 429 answer; the first refusal of a window is audited (a flood must not become a flood of audit rows). */
async function refuse(context: RedemptionContext, c: Context<AppEnv>, refusal: RateLimitRefusal): Promise<Response> {
  if (refusal.first) {
    const who = refusal.scope === 'ip' ? 'address' : 'client'
    const err = new ProtocolError('ERR_RATE_LIMITED', 'too many requests', {
      rule: '#29',
      detail: `more than ${refusal.limit} requests a minute from one ${who}`,
    })
    const clientId = refusal.scope === 'client' ? refusal.id : undefined
    await recordRefusal(context, AUDIT_ACTIONS.rateLimit, clientActor(clientId), err, {
      requestId: c.get('requestId'),
      ...(clientId === undefined ? {} : { clientId }),
      data: { path: c.req.path, scope: refusal.scope },
    })
  }
  return rateLimitedResponse(refusal)
}

/** Middleware: the per-address limit; a no-op when it is off or the address is unknown. */
export function limitByAddress(context: RedemptionContext, limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = limiter.limitOf('ip') > 0 ? clientAddress(c.env, context.options.trustProxy) : undefined
    if (address === undefined) return next()
    const refusal = await limiter.check('ip', address)
    if (refusal === undefined) return next()
    return refuse(context, c, refusal)
  }
}

/** The per-client limit, for a request whose client has authenticated: the 429 answer, or undefined to go on. */
export async function limitByClient(
  context: RedemptionContext,
  limiter: RateLimiter,
  c: Context<AppEnv>,
  clientId: string,
): Promise<Response | undefined> {
  const refusal = await limiter.check('client', clientId)
  return refusal === undefined ? undefined : refuse(context, c, refusal)
}
