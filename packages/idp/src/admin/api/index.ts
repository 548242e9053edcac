/**
 * The admin JSON API under `{issuer}/admin/api`: users, groups, memberships, clients, applications (resources,
 * scopes, per-client ids), connections, blocks, audit, signing keys, API keys. Every change is audited with its
 * actor. Documented by the OpenAPI 3.1 document at `/admin/api/openapi.json`.
 */
import { isDatabaseUnavailable } from '@openxaa/ops'
import { Hono } from 'hono'
import type { IdpEnv } from '../../app.js'
import type { IdpRuntime } from '../../context.js'
import type { AdminContext } from '../context.js'
import { AdminError, toAdminError } from '../errors.js'
import { openApiDocument } from '../openapi/index.js'
import { applicationRoutes } from './applications.js'
import { authenticateAdmin } from './auth.js'
import { clientRoutes } from './clients.js'
import { directoryRoutes } from './directory.js'
import type { AdminEnv } from './env.js'
import { operationRoutes } from './operations.js'
import { policyRoutes } from './policy.js'

/** Where the admin API lives, below the issuer. */
export const ADMIN_API_PATH = '/admin/api'

/** The admin context of a request made by `actor`. */
export function adminContext(runtime: IdpRuntime, actor: AdminContext['actor']): AdminContext {
  const { options } = runtime
  return {
    store: runtime.store,
    actor,
    now: runtime.now,
    passwordHashCost: options.passwordHashCost,
    // The previous key must verify every token it signed: ID tokens and ID-JAGs, plus clock skew.
    keyRetireAfter: Math.max(options.idTokenLifetime, options.idJagLifetime) + 60,
    onKeysRotated: async () => {
      await runtime.provider.refresh()
    },
  }
}

/** The admin API routes. */
export function adminRoutes(runtime: IdpRuntime): Hono<IdpEnv> {
  const base = `${runtime.options.mountPath}${ADMIN_API_PATH}`
  const app = new Hono<AdminEnv>()
  app.get(`${base}/openapi.json`, (c) => c.json(openApiDocument(runtime.options.issuer)))
  app.use(`${base}/*`, async (c, next) => {
    c.header('Cache-Control', 'no-store')
    const actor = await authenticateAdmin(runtime, c)
    // A browser session is a cookie: state changes must also carry a JSON content type, which no cross-site form
    // can send without a CORS preflight this API never answers.
    if (
      actor.type === 'user' &&
      c.req.method !== 'GET' &&
      !/^application\/json\b/i.test(c.req.header('content-type') ?? '')
    ) {
      throw new AdminError('forbidden', 'requests from a browser session must be application/json')
    }
    c.set('admin', adminContext(runtime, actor))
    await next()
  })
  directoryRoutes(app, base)
  clientRoutes(app, base)
  applicationRoutes(app, base)
  policyRoutes(app, base)
  operationRoutes(app, base)
  app.all(`${base}/*`, () => {
    throw new AdminError('not_found', 'no such admin API route')
  })
  app.onError((err, c) => {
    const admin = toAdminError(err)
    if (admin === undefined) {
      // `observe` turns a database outage into a 503 in the same `{ error, error_description }` shape.
      if (!isDatabaseUnavailable(err))
        runtime.logger.error('admin API failure', { error: err.message, path: c.req.path })
      return c.json({ error: 'server_error', error_description: 'the request could not be completed' }, 500, {
        'Cache-Control': 'no-store',
      })
    }
    return c.json({ error: admin.code, error_description: admin.message }, admin.status, {
      'Cache-Control': 'no-store',
    })
  })
  return app as unknown as Hono<IdpEnv>
}
