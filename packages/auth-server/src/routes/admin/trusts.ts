/** Admin API: organizations and their issuer trusts (decision 7): create, list, enable, disable, verify metadata. */
import type { IssuerTrustInput, LinkingMode } from '@openxaa/store'
import type { Hono } from 'hono'
import type { AdminService } from '../../admin/service.js'
import type { AppEnv } from '../../context.js'
import { adminActor, jsonBody } from './index.js'

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`)
  return value
}

/** Mounts the organization and trust routes. */
export function adminTrustRoutes(api: Hono<AppEnv>, service: AdminService): void {
  api.get('/organizations', async (c) => c.json({ organizations: await service.listOrganizations() }))
  api.post('/organizations', async (c) => {
    const body = await jsonBody(c)
    const name = optionalString(body, 'name')
    const organization = await service.createOrganization(adminActor(c), {
      id: body.id as string,
      ...(name === undefined ? {} : { name }),
    })
    return c.json(organization, 201)
  })
  api.get('/organizations/:org', async (c) => c.json(await service.getOrganization(c.req.param('org'))))

  api.get('/organizations/:org/trusts', async (c) => {
    await service.getOrganization(c.req.param('org'))
    return c.json({ trusts: await service.listTrusts(c.req.param('org')) })
  })
  api.post('/organizations/:org/trusts', async (c) => {
    const body = await jsonBody(c)
    const input: IssuerTrustInput = { organizationId: c.req.param('org'), issuer: body.issuer as string }
    const tenant = optionalString(body, 'tenant')
    const jwksUri = optionalString(body, 'jwksUri')
    if (tenant !== undefined) input.tenant = tenant
    if (jwksUri !== undefined) input.jwksUri = jwksUri
    if (body.jwks !== undefined) input.jwks = body.jwks as IssuerTrustInput['jwks']
    if (body.allowedClientIds !== undefined) input.allowedClientIds = body.allowedClientIds as string[] | null
    if (body.linkingMode !== undefined) input.linkingMode = body.linkingMode as LinkingMode
    if (body.emailDomains !== undefined) input.emailDomains = body.emailDomains as string[]
    return c.json(await service.createTrust(adminActor(c), input), 201)
  })
  api.get('/trusts', async (c) => c.json({ trusts: await service.listTrusts() }))
  api.get('/trusts/:id', async (c) => c.json(await service.getTrust(c.req.param('id'))))
  api.post('/trusts/:id/enable', async (c) =>
    c.json(await service.setTrustEnabled(adminActor(c), c.req.param('id'), true)),
  )
  api.post('/trusts/:id/disable', async (c) =>
    c.json(await service.setTrustEnabled(adminActor(c), c.req.param('id'), false)),
  )
  api.post('/trusts/:id/verify', async (c) => c.json(await service.verifyTrust(adminActor(c), c.req.param('id'))))
}
