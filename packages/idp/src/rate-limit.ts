/**
 * The rate limits of the IdP's credential endpoints (checklist #29), over the shared limiter of `@openxaa/ops`:
 * every request to `/token`, `/token/revocation` and `/device/auth` counts against its remote address before
 * anything reads it (whichever of the Hono token-exchange route or oidc-provider then serves it, and failed client
 * authentication included); every token exchange counts against its client once the client has authenticated, in
 * `handleTokenExchange`, which both of those paths run. Redis when configured, the store's shared windows on
 * PostgreSQL, memory otherwise. The first refusal of each window is audited (`request.rate_limit`).
 * @see ../../../../shared/spec/xaa-protocol.md checklist #29; docs/operations.md "Limits"
 */
import type { HttpBindings } from '@hono/node-server'
import {
  clientAddress,
  createRateLimiter,
  type RateLimiter,
  type RateLimitRefusal,
  rateLimitedResponse,
  type ServerMetrics,
} from '@openxaa/ops'
import type { Store } from '@openxaa/store'
import type { MiddlewareHandler } from 'hono'
import { AUDIT_ACTIONS, recordQuietly } from './audit.js'
import type { IdpLogger, IdpRuntime } from './context.js'
import type { ResolvedIdpOptions } from './options.js'
import { requestIdOfContext, withRequestId } from './request-id.js'
import { replayIncoming } from './routes/replay-body.js'

/** The limiter of one IdP: Redis if configured, else the store's shared windows on PostgreSQL, else memory. */
export function createIdpRateLimiter(
  store: Store,
  options: ResolvedIdpOptions,
  now: () => number,
  metrics: ServerMetrics,
  logger: IdpLogger,
): RateLimiter {
  const shared = (store as Partial<Store>).rateLimits
  return createRateLimiter({
    service: 'idp',
    limits: options.rateLimits,
    shared: store.dialect === 'postgres' ? shared : undefined,
    now,
    metrics,
    logger,
  })
}

/** Audits the first refusal of a window (a flood must not become a flood of audit rows). */
async function auditRefusal(
  runtime: IdpRuntime,
  refusal: RateLimitRefusal,
  path: string,
  requestId: string | undefined,
): Promise<void> {
  if (!refusal.first) return
  const clientId = refusal.scope === 'client' ? refusal.id : undefined
  await recordQuietly(runtime.store.audit, runtime.logger, {
    actor: { type: 'client', id: clientId ?? 'unauthenticated' },
    action: AUDIT_ACTIONS.rateLimit,
    decision: 'deny',
    reason: 'ERR_RATE_LIMITED',
    rule: '#29',
    detail: `more than ${refusal.limit} requests a minute from one ${clientId === undefined ? 'address' : 'client'}`,
    ...(clientId === undefined ? {} : { clientId }),
    tenant: runtime.options.tenant,
    data: { path, scope: refusal.scope },
    ...withRequestId(requestId),
  })
}

/**
 * Middleware: the per-address limit; a no-op when it is off or the address is unknown. The body is read while the
 * counter answers and handed on as a replay: a Node request left unread across the counter's round trip loses the
 * bytes that arrive meanwhile to the web stream Hono made of it, and oidc-provider, which reads the Node request,
 * would find it empty.
 */
export function limitByAddress(runtime: IdpRuntime): MiddlewareHandler<{ Bindings: HttpBindings }> {
  const { rateLimiter, options } = runtime
  return async (c, next) => {
    const address = rateLimiter.limitOf('ip') > 0 ? clientAddress(c.env, options.trustProxy) : undefined
    if (address === undefined) return next()
    const incoming = c.req.method === 'POST' ? c.env.incoming : undefined
    const reading = incoming === undefined ? undefined : c.req.raw.arrayBuffer().then((b) => Buffer.from(b))
    // Settled either way before the answer, so a refused request leaves no read pending.
    reading?.catch(() => {})
    const refusal = await rateLimiter.check('ip', address)
    let body: Buffer | undefined
    try {
      body = await reading
    } catch {
      return c.json({ error: 'invalid_request', error_description: 'the request body could not be read' }, 400, {
        'Cache-Control': 'no-store',
      })
    }
    if (refusal !== undefined) {
      await auditRefusal(runtime, refusal, c.req.path, requestIdOfContext(c))
      return rateLimitedResponse(refusal)
    }
    if (incoming !== undefined) c.env.incoming = replayIncoming(incoming, body)
    return next()
  }
}

/** The per-client limit of an authenticated client at the token endpoint: why it is refused, or undefined. */
export async function limitByClient(
  runtime: IdpRuntime,
  clientId: string,
  requestId?: string,
): Promise<RateLimitRefusal | undefined> {
  const refusal = await runtime.rateLimiter.check('client', clientId)
  if (refusal !== undefined) await auditRefusal(runtime, refusal, `${runtime.options.mountPath}/token`, requestId)
  return refusal
}
