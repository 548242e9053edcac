/** Admin API: OIDC clients. A generated secret is in the creation (or rotation) response, and nowhere else. */
import type { IdpClientAuthMethod } from '@openxaa/store'
import type { Hono } from 'hono'
import { AdminError, found } from '../errors.js'
import * as ops from '../operations/clients.js'
import { type Body, onlyFields, optBool, optStr, optStrList, readBody, str } from './body.js'
import type { AdminEnv } from './env.js'

const FIELDS = [
  'name',
  'tokenEndpointAuthMethod',
  'applicationType',
  'redirectUris',
  'postLogoutRedirectUris',
  'grantTypes',
  'jwks',
  'firstParty',
  'enabled',
] as const

function jwks(b: Body): { keys: Record<string, unknown>[] } | null | undefined {
  const v = b.jwks
  if (v === undefined || v === null) return v as null | undefined
  if (typeof v !== 'object' || !Array.isArray((v as { keys?: unknown }).keys)) {
    throw new AdminError('invalid_request', 'jwks must be a JWK Set ({ "keys": [...] })')
  }
  return v as { keys: Record<string, unknown>[] }
}

function fields(b: Body) {
  const applicationType = optStr(b, 'applicationType')
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') {
    throw new AdminError('invalid_request', 'applicationType must be web or native')
  }
  const out: Omit<ops.NewClient, 'clientId' | 'name'> & { name?: string } = {}
  const name = optStr(b, 'name')
  if (name !== undefined) out.name = name
  const method = optStr(b, 'tokenEndpointAuthMethod')
  if (method !== undefined) out.tokenEndpointAuthMethod = method as IdpClientAuthMethod
  if (applicationType !== undefined) out.applicationType = applicationType
  for (const list of ['redirectUris', 'postLogoutRedirectUris', 'grantTypes'] as const) {
    const v = optStrList(b, list)
    if (v !== undefined) out[list] = v
  }
  const keys = jwks(b)
  if (keys !== undefined) out.jwks = keys
  for (const flag of ['firstParty', 'enabled'] as const) {
    const v = optBool(b, flag)
    if (v !== undefined) out[flag] = v
  }
  return out
}

/** Clients and their secrets. @see ../openapi/routes.ts */
export function clientRoutes(app: Hono<AdminEnv>, base: string): void {
  app.get(`${base}/clients`, async (c) => c.json({ clients: await c.var.admin.store.idp.clients.list() }))
  app.post(`${base}/clients`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, ['clientId', ...FIELDS])
    const created = await ops.createClient(c.var.admin, {
      ...fields(b),
      clientId: str(b, 'clientId'),
      name: str(b, 'name'),
    })
    return c.json(created, 201)
  })
  app.get(`${base}/clients/:clientId`, async (c) =>
    c.json(found(await c.var.admin.store.idp.clients.get(c.req.param('clientId')), 'client')),
  )
  app.patch(`${base}/clients/:clientId`, async (c) => {
    const b = await readBody(c)
    onlyFields(b, FIELDS)
    return c.json(await ops.updateClient(c.var.admin, c.req.param('clientId'), fields(b)))
  })
  app.delete(`${base}/clients/:clientId`, async (c) => {
    await ops.deleteClient(c.var.admin, c.req.param('clientId'))
    return c.body(null, 204)
  })
  app.post(`${base}/clients/:clientId/secret`, async (c) =>
    c.json(await ops.rotateClientSecret(c.var.admin, c.req.param('clientId'))),
  )
}
