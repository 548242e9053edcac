/** Admin API: clients (secret shown once), resources, API keys, signing-key rotation, the audit log. */
import type { AsClientAuthMethod, AuditDecision, AuditQuery } from '@openxaa/store'
import type { Hono } from 'hono'
import { AdminError } from '../../admin/errors.js'
import type { AdminService } from '../../admin/service.js'
import type { AppEnv } from '../../context.js'
import { adminActor, jsonBody } from './index.js'

const AUDIT_FILTERS = ['organization', 'clientId', 'issuer', 'subject', 'userId', 'resource', 'requestId'] as const

/** Mounts the client, resource, key and audit routes. */
export function adminDirectoryRoutes(api: Hono<AppEnv>, service: AdminService): void {
  api.get('/clients', async (c) => c.json({ clients: await service.listClients() }))
  api.post('/clients', async (c) => {
    const body = await jsonBody(c)
    const result = await service.createClient(adminActor(c), {
      clientId: body.clientId as string,
      organizationId: (body.organizationId as string | undefined) ?? null,
      name: (body.name as string | undefined) ?? null,
      ...(body.authMethods === undefined ? {} : { authMethods: body.authMethods as AsClientAuthMethod[] }),
      jwks: (body.jwks as { keys: Record<string, unknown>[] } | undefined) ?? null,
      jwksUri: (body.jwksUri as string | undefined) ?? null,
    })
    return c.json(result, 201)
  })
  api.get('/clients/:id', async (c) => c.json(await service.getClient(c.req.param('id'))))
  api.post('/clients/:id/enable', async (c) =>
    c.json(await service.setClientEnabled(adminActor(c), c.req.param('id'), true)),
  )
  api.post('/clients/:id/disable', async (c) =>
    c.json(await service.setClientEnabled(adminActor(c), c.req.param('id'), false)),
  )

  api.get('/resources', async (c) => c.json({ resources: await service.listResources() }))
  api.post('/resources', async (c) => {
    const body = await jsonBody(c)
    const input = { uri: body.uri as string, scopes: body.scopes as string[] }
    return c.json(
      await service.createResource(
        adminActor(c),
        body.name === undefined ? input : { ...input, name: body.name as string },
      ),
      201,
    )
  })
  // The URI is a query parameter: resource identifiers are URLs, awkward as path segments.
  api.patch('/resources', async (c) => {
    const body = await jsonBody(c)
    const patch: { name?: string; scopes?: string[] } = {}
    if (body.name !== undefined) patch.name = body.name as string
    if (body.scopes !== undefined) patch.scopes = body.scopes as string[]
    return c.json(await service.updateResource(adminActor(c), c.req.query('uri') ?? '', patch))
  })

  api.get('/api-keys', async (c) => c.json({ apiKeys: await service.listApiKeys() }))
  api.post('/api-keys', async (c) => {
    const body = await jsonBody(c)
    const { apiKey, key } = await service.createApiKey(adminActor(c), body.name as string)
    return c.json({ ...apiKey, key }, 201)
  })
  api.post('/api-keys/:id/revoke', async (c) => c.json(await service.revokeApiKey(adminActor(c), c.req.param('id'))))

  api.post('/keys/rotate', async (c) => {
    // The body is optional: none rotates with the defaults (the new key signs in 60 s).
    const empty = c.req.header('content-type') === undefined || c.req.header('content-length') === '0'
    const body = empty ? {} : await jsonBody(c)
    const unknown = Object.keys(body).filter((k) => k !== 'activateAfterSeconds' && k !== 'retireAfterSeconds')
    if (unknown.length > 0) throw new AdminError(400, 'invalid_request', `unknown fields: ${unknown.join(', ')}`)
    return c.json(
      await service.rotateSigningKey(adminActor(c), {
        activateAfterSeconds: body.activateAfterSeconds as number | undefined,
        retireAfterSeconds: body.retireAfterSeconds as number | undefined,
      }),
    )
  })

  api.get('/audit', async (c) => {
    const filter: AuditQuery = {}
    for (const name of AUDIT_FILTERS) {
      const value = c.req.query(name)
      if (value !== undefined) filter[name] = value
    }
    const action = c.req.query('action')
    const decision = c.req.query('decision')
    const limit = c.req.query('limit')
    const cursor = c.req.query('cursor')
    if (action !== undefined) filter.action = action
    if (decision !== undefined) filter.decision = decision as AuditDecision
    if (limit !== undefined) filter.limit = Number(limit)
    if (cursor !== undefined) filter.cursor = cursor
    return c.json(await service.queryAudit(filter))
  })
}
