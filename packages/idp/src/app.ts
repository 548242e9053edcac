/** `buildApp()`: the IdP's Hono app, routes mounted in order; no module-level state. */
import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { IdpRuntime } from './context.js'
import { interactionRoutes } from './interaction/routes.js'
import { jwksRoute } from './routes/jwks.js'
import { oidcRoutes } from './routes/oidc.js'
import { tokenExchangeRoute } from './routes/token-exchange.js'

/** The Hono environment of the IdP: Node bindings (oidc-provider writes to the raw response). */
export type IdpEnv = { Bindings: HttpBindings }

/** Mounts the IdP's routes; whatever they do not serve goes to oidc-provider. */
export function buildApp(runtime: IdpRuntime, extra: readonly Hono<IdpEnv>[] = []): Hono<IdpEnv> {
  const app = new Hono<IdpEnv>()
  app.get(`${runtime.options.mountPath}/healthz`, (c) => c.json({ status: 'ok' }))
  app.route('/', jwksRoute(runtime) as unknown as Hono<IdpEnv>)
  app.route('/', interactionRoutes(runtime))
  for (const routes of extra) app.route('/', routes)
  // Token exchanges it can serve skip oidc-provider's request pipeline; the rest falls through to it.
  app.route('/', tokenExchangeRoute(runtime))
  app.route('/', oidcRoutes(runtime))
  app.onError((err, c) => {
    runtime.logger.error('unhandled error', { error: err.message, path: c.req.path })
    return c.json({ error: 'server_error' }, 500, { 'Cache-Control': 'no-store' })
  })
  return app
}
