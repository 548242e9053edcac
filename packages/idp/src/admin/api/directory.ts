/** Admin API: users, groups, memberships. */
import type { Hono } from 'hono'
import { AdminError } from '../errors.js'
import * as ops from '../operations/directory.js'
import { nullableStr, onlyFields, optBool, optStr, optStrList, readBody, str } from './body.js'
import type { AdminEnv } from './env.js'

/** Users, groups and memberships. @see ../openapi/routes.ts */
export function directoryRoutes(app: Hono<AdminEnv>, base: string): void {
  app.get(`${base}/users`, async (c) => {
    const status = c.req.query('status')
    if (status !== undefined && status !== 'active' && status !== 'disabled') {
      throw new AdminError('invalid_request', 'status must be active or disabled')
    }
    return c.json({ users: await c.var.admin.store.idp.users.list(status ? { status } : {}) })
  })
  app.post(`${base}/users`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['username', 'email', 'emailVerified', 'name', 'password', 'roles'])
    const user = await ops.createUser(c.var.admin, {
      username: str(b, 'username'),
      email: nullableStr(b, 'email') ?? null,
      emailVerified: optBool(b, 'emailVerified') ?? false,
      name: nullableStr(b, 'name') ?? null,
      ...(b.password === undefined ? {} : { password: str(b, 'password') }),
      roles: optStrList(b, 'roles') ?? [],
    })
    return c.json(user, 201)
  })
  app.get(`${base}/users/:id`, async (c) => c.json(await ops.getUser(c.var.admin, c.req.param('id'))))
  app.patch(`${base}/users/:id`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['email', 'emailVerified', 'name', 'password', 'roles', 'status'])
    const id = c.req.param('id')
    const status = optStr(b, 'status')
    if (status !== undefined && status !== 'active' && status !== 'disabled') {
      throw new AdminError('invalid_request', 'status must be active or disabled')
    }
    const changes: ops.UserChanges = {}
    const email = nullableStr(b, 'email')
    if (email !== undefined) changes.email = email
    const emailVerified = optBool(b, 'emailVerified')
    if (emailVerified !== undefined) changes.emailVerified = emailVerified
    const name = nullableStr(b, 'name')
    if (name !== undefined) changes.name = name
    const password = optStr(b, 'password')
    if (password !== undefined) changes.password = password
    const roles = optStrList(b, 'roles')
    if (roles !== undefined) changes.roles = roles
    let user = Object.keys(changes).length > 0 ? await ops.updateUser(c.var.admin, id, changes) : undefined
    if (status !== undefined) user = await ops.setUserStatus(c.var.admin, id, status)
    return c.json(user ?? (await ops.getUser(c.var.admin, id)))
  })

  app.get(`${base}/groups`, async (c) => c.json({ groups: await c.var.admin.store.idp.groups.list() }))
  app.post(`${base}/groups`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['name', 'description'])
    return c.json(
      await ops.createGroup(c.var.admin, { name: str(b, 'name'), description: nullableStr(b, 'description') ?? null }),
      201,
    )
  })
  app.delete(`${base}/groups/:id`, async (c) => {
    await ops.deleteGroup(c.var.admin, c.req.param('id'))
    return c.body(null, 204)
  })
  app.get(`${base}/groups/:id/members`, async (c) => {
    const group = await ops.resolveGroup(c.var.admin, c.req.param('id'))
    return c.json({ members: await c.var.admin.store.idp.groups.members(group.id) })
  })
  app.put(`${base}/groups/:id/members/:userId`, async (c) => {
    await ops.addMember(c.var.admin, c.req.param('id'), c.req.param('userId'))
    return c.body(null, 204)
  })
  app.delete(`${base}/groups/:id/members/:userId`, async (c) => {
    await ops.removeMember(c.var.admin, c.req.param('id'), c.req.param('userId'))
    return c.body(null, 204)
  })
}
