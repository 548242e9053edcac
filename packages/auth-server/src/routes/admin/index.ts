/**
 * The admin JSON API under `/admin/api`: API-key bearer authentication, then organizations, issuer trusts (with
 * "verify issuer metadata" and enable/disable), clients (secret shown once), resources, API keys, signing keys and
 * the audit log. Every change is audited by the admin service.
 * @see ../../admin/service.ts
 */
import { NO_STORE_HEADERS } from '@openxaa/protocol'
import { type Context, Hono } from 'hono'
import { AdminError } from '../../admin/errors.js'
import { type AdminActor, createAdminService } from '../../admin/service.js'
import { clientActor } from '../../audit.js'
import type { AppEnv, RedemptionContext } from '../../context.js'
import { adminDirectoryRoutes } from './directory.js'
import { adminTrustRoutes } from './trusts.js'

/** Reads a JSON object body, or throws a 400. */
export async function jsonBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new AdminError(400, 'invalid_request', 'the body must be a JSON object')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AdminError(400, 'invalid_request', 'the body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/** The actor of an admin API request. */
export function adminActor(c: Context<AppEnv>): AdminActor {
  return { type: 'admin', id: c.get('adminKeyId') }
}

/** Builds the admin API sub-application. */
export function adminApi(context: RedemptionContext): Hono<AppEnv> {
  const service = createAdminService(context)
  const api = new Hono<AppEnv>()

  api.use('*', async (c, next) => {
    const match = /^Bearer ([!-~]+)$/.exec(c.req.header('authorization') ?? '')
    const apiKey = match ? await context.store.authServer.apiKeys.verify(match[1]!) : undefined
    if (!apiKey) {
      await context.store.audit
        .append({
          actor: clientActor(undefined),
          action: 'admin.authenticate',
          decision: 'deny',
          reason: match ? 'ERR_ADMIN_API_KEY' : 'ERR_ADMIN_API_KEY_MISSING',
          requestId: c.get('requestId'),
        })
        .catch((err) => context.logger.error('audit write failed', { error: (err as Error).message }))
      return c.json({ error: 'invalid_token', error_description: 'a valid admin API key is required' }, 401, {
        'WWW-Authenticate': 'Bearer realm="admin"',
        ...NO_STORE_HEADERS,
      })
    }
    c.set('adminKeyId', apiKey.id)
    c.header('Cache-Control', 'no-store')
    await next()
  })

  adminTrustRoutes(api, service)
  adminDirectoryRoutes(api, service)
  return api
}
