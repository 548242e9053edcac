/** Admin API: resource applications, their aliases, resources (with scopes) and per-client ids. */
import type { Hono } from 'hono'
import { AdminError } from '../errors.js'
import * as ops from '../operations/applications.js'
import { nullableStr, onlyFields, optBool, optStr, optStrList, readBody, str, strList } from './body.js'
import type { AdminEnv } from './env.js'

/** Applications, aliases, resources and per-client ids. @see ../openapi/routes.ts */
export function applicationRoutes(app: Hono<AdminEnv>, base: string): void {
  app.get(`${base}/applications`, async (c) =>
    c.json({ applications: await c.var.admin.store.idp.applications.list() }),
  )
  app.post(`${base}/applications`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['name', 'issuer', 'aliases', 'includeEmail'])
    const created = await ops.createApplication(c.var.admin, {
      name: str(b, 'name'),
      issuer: str(b, 'issuer'),
      aliases: optStrList(b, 'aliases') ?? [],
      includeEmail: optBool(b, 'includeEmail') ?? false,
    })
    return c.json(created, 201)
  })
  app.get(`${base}/applications/:id`, async (c) => c.json(await ops.getApplication(c.var.admin, c.req.param('id'))))
  app.patch(`${base}/applications/:id`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['name', 'includeEmail'])
    const name = optStr(b, 'name')
    const includeEmail = optBool(b, 'includeEmail')
    return c.json(
      await ops.updateApplication(c.var.admin, c.req.param('id'), {
        ...(name === undefined ? {} : { name }),
        ...(includeEmail === undefined ? {} : { includeEmail }),
      }),
    )
  })
  app.delete(`${base}/applications/:id`, async (c) => {
    await ops.deleteApplication(c.var.admin, c.req.param('id'))
    return c.body(null, 204)
  })
  app.post(`${base}/applications/:id/aliases`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['alias'])
    await ops.addAlias(c.var.admin, c.req.param('id'), str(b, 'alias'))
    return c.body(null, 204)
  })
  app.delete(`${base}/applications/:id/aliases`, async (c) => {
    const alias = c.req.query('alias')
    if (!alias) throw new AdminError('invalid_request', 'the alias query parameter is required')
    await ops.removeAlias(c.var.admin, c.req.param('id'), alias)
    return c.body(null, 204)
  })
  app.put(`${base}/applications/:id/resources`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['uri', 'name', 'scopes'])
    const resource = await ops.putResource(c.var.admin, c.req.param('id'), {
      uri: str(b, 'uri'),
      name: nullableStr(b, 'name') ?? null,
      scopes: strList(b, 'scopes'),
    })
    return c.json(resource)
  })
  app.delete(`${base}/applications/:id/resources`, async (c) => {
    const uri = c.req.query('uri')
    if (!uri) throw new AdminError('invalid_request', 'the uri query parameter is required')
    await ops.removeResource(c.var.admin, c.req.param('id'), uri)
    return c.body(null, 204)
  })
  app.put(`${base}/applications/:id/client-ids/:clientId`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['rasClientId'])
    await ops.setClientId(c.var.admin, c.req.param('id'), c.req.param('clientId'), str(b, 'rasClientId'))
    return c.body(null, 204)
  })
  app.delete(`${base}/applications/:id/client-ids/:clientId`, async (c) => {
    await ops.removeClientId(c.var.admin, c.req.param('id'), c.req.param('clientId'))
    return c.body(null, 204)
  })
}
