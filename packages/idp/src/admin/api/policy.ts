/** Admin API: managed connections (consent granted on behalf of the organization is an explicit field) and blocks. */
import { IDP_BLOCK_KINDS, type IdpBlockKind, type IdpConnectionPatch } from '@openxaa/store'
import type { Hono } from 'hono'
import { AdminError, found } from '../errors.js'
import * as ops from '../operations/policy.js'
import { nullableStr, onlyFields, optBool, optInt, optStr, optStrList, readBody, str, strList } from './body.js'
import type { AdminEnv } from './env.js'

/** Connections and blocks. @see ../openapi/routes.ts */
export function policyRoutes(app: Hono<AdminEnv>, base: string): void {
  app.get(`${base}/connections`, async (c) => {
    const client = c.req.query('client')
    const application = c.req.query('application')
    const connections = await c.var.admin.store.idp.connections.list({
      ...(client ? { clientId: client } : {}),
      ...(application ? { applicationId: application } : {}),
    })
    return c.json({ connections })
  })
  app.post(`${base}/connections`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, [
      'clientId',
      'applicationId',
      'resource',
      'groups',
      'scopes',
      'enabled',
      'maxAuthAge',
      'consentGrantedBy',
      'consentGrantedAt',
    ])
    const consentGrantedAt = optInt(b, 'consentGrantedAt')
    const created = await ops.createConnection(c.var.admin, {
      clientId: str(b, 'clientId'),
      applicationId: str(b, 'applicationId'),
      resource: str(b, 'resource'),
      groups: strList(b, 'groups'),
      scopes: strList(b, 'scopes'),
      enabled: optBool(b, 'enabled') ?? true,
      maxAuthAge: optInt(b, 'maxAuthAge') ?? null,
      consentGrantedBy: str(b, 'consentGrantedBy'),
      ...(consentGrantedAt === undefined || consentGrantedAt === null ? {} : { consentGrantedAt }),
    })
    return c.json(created, 201)
  })
  app.get(`${base}/connections/:id`, async (c) =>
    c.json(found(await c.var.admin.store.idp.connections.get(c.req.param('id')), 'connection')),
  )
  app.patch(`${base}/connections/:id`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['groups', 'scopes', 'enabled', 'maxAuthAge', 'consentGrantedBy', 'consentGrantedAt'])
    const patch: IdpConnectionPatch = {}
    const groups = optStrList(b, 'groups')
    if (groups !== undefined) patch.groups = groups
    const scopes = optStrList(b, 'scopes')
    if (scopes !== undefined) patch.scopes = scopes
    const enabled = optBool(b, 'enabled')
    if (enabled !== undefined) patch.enabled = enabled
    if (b.maxAuthAge !== undefined) patch.maxAuthAge = optInt(b, 'maxAuthAge') ?? null
    const by = optStr(b, 'consentGrantedBy')
    if (by !== undefined) {
      patch.consentGrantedBy = by
      patch.consentGrantedAt = optInt(b, 'consentGrantedAt') ?? c.var.admin.now()
    }
    return c.json(await ops.updateConnection(c.var.admin, c.req.param('id'), patch))
  })
  app.delete(`${base}/connections/:id`, async (c) => {
    await ops.deleteConnection(c.var.admin, c.req.param('id'))
    return c.body(null, 204)
  })

  app.get(`${base}/blocks`, async (c) => {
    const active = c.req.query('active') === 'true'
    return c.json({ blocks: await c.var.admin.store.idp.blocks.list(active ? { activeAt: c.var.admin.now() } : {}) })
  })
  app.post(`${base}/blocks`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['kind', 'target', 'until', 'reason'])
    const kind = str(b, 'kind')
    if (!IDP_BLOCK_KINDS.includes(kind as IdpBlockKind)) {
      throw new AdminError('invalid_request', `kind must be one of ${IDP_BLOCK_KINDS.join(', ')}`)
    }
    const block = await ops.createBlock(c.var.admin, {
      kind: kind as IdpBlockKind,
      target: str(b, 'target'),
      until: optInt(b, 'until') ?? null,
      reason: nullableStr(b, 'reason') ?? null,
    })
    return c.json(block, 201)
  })
  app.delete(`${base}/blocks/:id`, async (c) => {
    await ops.deleteBlock(c.var.admin, c.req.param('id'))
    return c.body(null, 204)
  })
}
