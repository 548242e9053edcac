/**
 * oidc-provider mounted in Hono through the raw Node request and response: the provider writes the response itself,
 * and Hono is told so (`RESPONSE_ALREADY_SENT`). Needs `@hono/node-server` (the IdP's server).
 */
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { Hono } from 'hono'
import type { IdpRuntime } from '../context.js'
import { PROVIDER_ROUTES } from '../provider/configuration.js'
import { answeredDatabaseError } from '../provider/outage.js'
import { requestIdOfContext, tagRequestId } from '../request-id.js'

// Endpoints that take POST only. oidc-provider answers some other methods on them with a 500 (GET /device/auth
// reaches its device-flow session code), so they are refused here first, like the AS does.
const POST_ONLY = new Set<string>([
  PROVIDER_ROUTES.token,
  PROVIDER_ROUTES.revocation,
  PROVIDER_ROUTES.device_authorization,
])

/** Every path not served by the IdP's own routes goes to oidc-provider. */
export function oidcRoutes(runtime: IdpRuntime): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>()
  const mountPath = runtime.options.mountPath
  app.all('*', async (c) => {
    const relative = c.req.path.slice(mountPath.length) || '/'
    if (POST_ONLY.has(relative) && c.req.method !== 'POST' && c.req.method !== 'OPTIONS') {
      return c.json({ error: 'invalid_request', error_description: 'this endpoint takes POST only' }, 405, {
        Allow: 'POST',
        'Cache-Control': 'no-store',
      })
    }
    const { incoming, outgoing } = c.env ?? {}
    if (incoming === undefined || outgoing === undefined) {
      return c.json({ error: 'server_error', error_description: 'the OpenID provider needs the Node HTTP server' }, 501)
    }
    const { listener } = await runtime.provider.get()
    if (mountPath !== '') {
      // Like koa-mount: the provider sees paths relative to the issuer and builds its URLs from `originalUrl`.
      const url = incoming.url ?? '/'
      if (!url.startsWith(mountPath)) return c.notFound()
      ;(incoming as typeof incoming & { originalUrl?: string }).originalUrl = url
      incoming.url = url.slice(mountPath.length) || '/'
    }
    const requestId = requestIdOfContext(c)
    tagRequestId(incoming, requestId)
    // oidc-provider writes the answer itself, past the point where `observe` adds the header.
    if (requestId !== undefined) outgoing.setHeader('X-Request-Id', requestId)
    await listener(incoming, outgoing)
    // oidc-provider answered a database outage with its 503 already; `observe` counts it and logs its code.
    const outage = answeredDatabaseError(incoming)
    if (outage !== undefined) c.error = outage
    return RESPONSE_ALREADY_SENT
  })
  return app
}
