/** `buildApp()`: the IdP's Hono app, routes mounted in order; no module-level state. */
import type { HttpBindings } from '@hono/node-server'
import { healthRoutes, isDatabaseUnavailable, observe, type ServerMetrics } from '@openxaa/ops'
import { type Context, Hono } from 'hono'
import type { IdpRuntime } from './context.js'
import { interactionRoutes } from './interaction/routes.js'
import { PROVIDER_ROUTES } from './provider/configuration.js'
import { IDP_KEY_PURPOSE } from './provider/holder.js'
import { limitByAddress } from './rate-limit.js'
import { jwksRoute } from './routes/jwks.js'
import { oidcRoutes } from './routes/oidc.js'
import { tokenExchangeRoute } from './routes/token-exchange.js'

/** The Hono environment of the IdP: Node bindings (oidc-provider writes to the raw response). */
export type IdpEnv = { Bindings: HttpBindings }

/** The operational pieces of one IdP app. */
export interface IdpOperations {
  readonly metrics: ServerMetrics
  readonly requestLogger: Parameters<typeof observe>[0]['logger']
  readonly maxInFlight: number
}

/** Mounts the IdP's routes; whatever they do not serve goes to oidc-provider. */
export function buildApp(runtime: IdpRuntime, extra: readonly Hono<IdpEnv>[], ops: IdpOperations): Hono<IdpEnv> {
  const app = new Hono<IdpEnv>()
  // Request id, in-flight limit, request log and metrics first; then /healthz, /readyz and /metrics.
  const mount = runtime.options.mountPath
  const providerRoutes = new Set<string>(Object.values(PROVIDER_ROUTES))
  const routeLabel = (c: Context) => {
    const path = c.req.path.slice(mount.length)
    return providerRoutes.has(path) ? path : undefined
  }
  app.use('*', observe({ logger: ops.requestLogger, metrics: ops.metrics, maxInFlight: ops.maxInFlight, routeLabel }))
  const checks = {
    database: () => runtime.store.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute(),
    signing_keys: () => runtime.store.keys.current(IDP_KEY_PURPOSE, runtime.now()),
  }
  const health = healthRoutes({ checks, metrics: ops.metrics, prefix: runtime.options.mountPath })
  app.route('/', health as unknown as Hono<IdpEnv>)
  // Per-address limits on the credential endpoints, before the token-exchange route or oidc-provider reads a byte.
  const limited = limitByAddress(runtime)
  for (const path of [PROVIDER_ROUTES.token, PROVIDER_ROUTES.revocation, PROVIDER_ROUTES.device_authorization]) {
    app.use(`${mount}${path}`, limited)
  }
  app.route('/', jwksRoute(runtime) as unknown as Hono<IdpEnv>)
  app.route('/', interactionRoutes(runtime))
  for (const routes of extra) app.route('/', routes)
  // Token exchanges it can serve skip oidc-provider's request pipeline; the rest falls through to it.
  app.route('/', tokenExchangeRoute(runtime))
  app.route('/', oidcRoutes(runtime))
  app.onError((err, c) => {
    // A database outage is logged (with its code) and answered 503 by `observe`: not a bug to report here.
    if (!isDatabaseUnavailable(err)) runtime.logger.error('unhandled error', { error: err.message, path: c.req.path })
    return c.json({ error: 'server_error' }, 500, { 'Cache-Control': 'no-store' })
  })
  return app
}
