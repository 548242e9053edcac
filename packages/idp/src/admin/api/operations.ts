/** Admin API: audit queries, signing keys and their rotation, API keys. */
import { AUDIT_DECISIONS, type AuditDecision } from '@openxaa/store'
import type { Hono } from 'hono'
import { AdminError } from '../errors.js'
import * as ops from '../operations/keys.js'
import { onlyFields, queryInt, readBody, str } from './body.js'
import type { AdminEnv } from './env.js'

/** Audit query, signing keys and their rotation, API keys. @see ../openapi/routes.ts */
export function operationRoutes(app: Hono<AdminEnv>, base: string): void {
  app.get(`${base}/audit`, async (c) => {
    const decision = c.req.query('decision')
    if (decision !== undefined && !AUDIT_DECISIONS.includes(decision as AuditDecision)) {
      throw new AdminError('invalid_request', `decision must be one of ${AUDIT_DECISIONS.join(', ')}`)
    }
    const filter: ops.AuditFilter = {}
    for (const name of ['user', 'client', 'application', 'resource', 'action', 'cursor'] as const) {
      const v = c.req.query(name)
      if (v) filter[name] = v
    }
    if (decision) filter.decision = decision as AuditDecision
    for (const name of ['since', 'until', 'limit'] as const) {
      const v = queryInt(c, name)
      if (v !== undefined) filter[name] = v
    }
    return c.json(await ops.queryAudit(c.var.admin, filter))
  })
  app.get(`${base}/keys`, async (c) => c.json({ keys: await ops.listKeys(c.var.admin) }))
  app.post(`${base}/keys/rotate`, async (c) => {
    // The body is optional: no body rotates with the defaults (next key signs in 60 s).
    const empty = c.req.header('content-type') === undefined || c.req.header('content-length') === '0'
    const b = empty ? {} : await readBody(c)
    onlyFields(b, ['activateAfterSeconds', 'retireAfterSeconds'])
    const options: ops.RotateKeysOptions = {}
    for (const name of ['activateAfterSeconds', 'retireAfterSeconds'] as const) {
      const v = b[name]
      if (v === undefined) continue
      if (typeof v !== 'number') throw new AdminError('invalid_request', `${name} must be whole seconds`)
      options[name] = v
    }
    return c.json(await ops.rotateKeys(c.var.admin, options), 201)
  })
  app.get(`${base}/api-keys`, async (c) => c.json({ apiKeys: await c.var.admin.store.idp.apiKeys.list() }))
  app.post(`${base}/api-keys`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['name'])
    return c.json(await ops.createApiKey(c.var.admin, str(b, 'name')), 201)
  })
  app.delete(`${base}/api-keys/:id`, async (c) => {
    await ops.revokeApiKey(c.var.admin, c.req.param('id'))
    return c.body(null, 204)
  })
}
