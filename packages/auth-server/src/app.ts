/**
 * The Hono application: request ids, the routes (each endpoint in `routes/`), and one error handler that turns a
 * refusal into its OAuth answer and anything unexpected into a bare `server_error` (never a stack trace).
 * @see ../../../../shared/style.md section 9
 */

import { healthRoutes, observe, type RateLimiter, type ReadinessCheck, type ServerMetrics } from '@openxaa/ops'
import {
  isProtocolError,
  JSON_MEDIA_TYPE,
  NO_STORE_HEADERS,
  toOAuthErrorResponse,
  WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER,
  WELL_KNOWN_OPENID_CONFIGURATION,
} from '@openxaa/protocol'
import { Hono } from 'hono'
import { toAdminError } from './admin/errors.js'
import { consoleRoutes } from './console/index.js'
import type { AppEnv, RedemptionContext } from './context.js'
import { limitByAddress } from './middleware/rate-limit.js'
import { adminApi } from './routes/admin/index.js'
import { authorizationHandler } from './routes/authorize.js'
import { introspectionHandler } from './routes/introspect.js'
import { jwksHandler } from './routes/jwks.js'
import { metadataHandler } from './routes/metadata.js'
import { revocationHandler } from './routes/revoke.js'
import { tokenHandler } from './routes/token.js'

function serverError(): Response {
  return new Response(JSON.stringify({ error: 'server_error' }), {
    status: 500,
    headers: { ...NO_STORE_HEADERS, 'Content-Type': JSON_MEDIA_TYPE },
  })
}

/** The operational pieces of one app: metrics, the request log and the readiness checks. */
export interface AppOperations {
  readonly metrics: ServerMetrics
  readonly requestLogger: Parameters<typeof observe>[0]['logger']
  readonly maxInFlight: number
  /** The rate limiter of the credential endpoints. */
  readonly limiter: RateLimiter
}

/** Builds the app for one context. No globals: two apps in one process share nothing. */
export function buildApp(context: RedemptionContext, ops: AppOperations): Hono<AppEnv> {
  const { basePath } = context.options
  const app = new Hono<AppEnv>()

  // Request id, in-flight limit, request log and metrics; a request failing on the database becomes a 503.
  app.use('*', observe({ logger: ops.requestLogger, metrics: ops.metrics, maxInFlight: ops.maxInFlight }))
  const checks: Record<string, ReadinessCheck> = {
    database: () => context.store.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute(),
    signing_keys: () => context.signingKey(),
  }
  app.route('/', healthRoutes({ checks, metrics: ops.metrics, prefix: basePath }) as unknown as Hono<AppEnv>)

  const metadata = metadataHandler(context)
  // RFC 8414 3.1 path insertion, and the OIDC forms (path appended) that clients also try.
  app.get(`${WELL_KNOWN_OAUTH_AUTHORIZATION_SERVER}${basePath}`, metadata)
  app.get(`${WELL_KNOWN_OPENID_CONFIGURATION}${basePath}`, metadata)
  if (basePath !== '') app.get(`${basePath}${WELL_KNOWN_OPENID_CONFIGURATION}`, metadata)

  const limited = limitByAddress(context, ops.limiter)
  for (const path of ['token', 'introspect', 'revoke']) app.use(`${basePath}/${path}`, limited)
  app.post(`${basePath}/token`, tokenHandler(context, ops.limiter))
  app.post(`${basePath}/introspect`, introspectionHandler(context))
  app.post(`${basePath}/revoke`, revocationHandler(context))
  for (const path of ['token', 'introspect', 'revoke']) {
    app.all(`${basePath}/${path}`, (c) =>
      c.json({ error: 'invalid_request', error_description: 'this endpoint takes POST only' }, 405, {
        Allow: 'POST',
        ...NO_STORE_HEADERS,
      }),
    )
  }
  app.get(`${basePath}/jwks`, jwksHandler(context))
  app.on(['GET', 'POST'], `${basePath}/authorize`, authorizationHandler(context))
  const adminPath = `${basePath}/admin/api/`
  if (context.options.adminApi) app.route(`${basePath}/admin/api`, adminApi(context))
  if (context.options.console) app.route('/', consoleRoutes(context))

  app.notFound((c) => c.json({ error: 'not_found' }, 404))
  app.onError((err, c) => {
    if (isProtocolError(err)) {
      if (err.oauthError === 'server_error')
        context.logger.error('server error', { code: err.code, detail: err.detail })
      return toOAuthErrorResponse(err, c.req.header('authorization') === undefined ? {} : { authScheme: 'Basic' })
    }
    const admin = c.req.path.startsWith(adminPath) ? toAdminError(err) : undefined
    if (admin) return c.json({ error: admin.error, error_description: admin.message }, admin.status, NO_STORE_HEADERS)
    context.logger.error('unexpected error', {
      requestId: c.get('requestId'),
      error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown',
    })
    return serverError()
  })
  return app
}
