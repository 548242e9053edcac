/** Resource applications (RASes): issuer and aliases, governed resources and their scopes, per-client ids. */
import type { IdpApplication, IdpResource } from '@openxaa/store'
import { type AdminContext, audited } from '../context.js'
import { AdminError, found } from '../errors.js'

function checkIssuer(issuer: string): void {
  if (typeof issuer !== 'string' || !URL.canParse(issuer) || issuer.includes('?') || issuer.includes('#')) {
    throw new AdminError('invalid_request', 'issuer must be the resource AS issuer identifier (an absolute URL)')
  }
}

function checkResourceUri(uri: string): void {
  if (typeof uri !== 'string' || !URL.canParse(uri) || uri.includes('#')) {
    throw new AdminError('invalid_request', 'resource uri must be an absolute URI without fragment (RFC 8707)')
  }
}

/** Registers a resource application by its resource AS issuer (the `aud` of its ID-JAGs). @see spec/xaa-protocol.md 2(c) */
export function createApplication(
  ctx: AdminContext,
  input: { name: string; issuer: string; aliases?: string[]; includeEmail?: boolean },
): Promise<IdpApplication> {
  checkIssuer(input.issuer)
  return audited(
    ctx,
    (tx) => tx.idp.applications.create(input),
    (a) => ({ action: 'admin.application.create', audience: a.issuer, data: { applicationId: a.id, name: a.name } }),
  )
}

/** Renames an application or changes whether its ID-JAGs carry `email`. */
export async function updateApplication(
  ctx: AdminContext,
  id: string,
  changes: { name?: string; includeEmail?: boolean },
): Promise<IdpApplication> {
  return audited(
    ctx,
    async (tx) => found(await tx.idp.applications.update(id, changes), 'application'),
    (a) => ({
      action: 'admin.application.update',
      audience: a.issuer,
      data: { applicationId: id, fields: Object.keys(changes) },
    }),
  )
}

/** Deletes an application with its aliases, resources, mappings and connections. */
export async function deleteApplication(ctx: AdminContext, id: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  await audited(
    ctx,
    (tx) => tx.idp.applications.delete(id),
    () => ({ action: 'admin.application.delete', audience: app.issuer, data: { applicationId: id } }),
  )
}

/** The application with its resources and client-id mappings. */
export async function getApplication(ctx: AdminContext, id: string) {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  const [resources, clientIds] = await Promise.all([
    ctx.store.idp.applications.resources(id),
    ctx.store.idp.applications.clientIds(id),
  ])
  return { ...app, resources, clientIds }
}

/** An application by id, or else by issuer or alias (for the CLI). */
export async function resolveApplication(ctx: AdminContext, idOrAudience: string): Promise<IdpApplication> {
  return found(
    (await ctx.store.idp.applications.get(idOrAudience)) ??
      (await ctx.store.idp.applications.resolveAudience(idOrAudience)),
    'application',
  )
}

/** Adds an audience alias, resolved to the issuer at token exchange. @see spec/xaa-protocol.md 2(b) audience */
export async function addAlias(ctx: AdminContext, id: string, alias: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  await audited(
    ctx,
    (tx) => tx.idp.applications.addAlias(id, alias),
    () => ({ action: 'admin.application.alias.add', audience: app.issuer, data: { applicationId: id, alias } }),
  )
}

/** Removes an audience alias. */
export async function removeAlias(ctx: AdminContext, id: string, alias: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.applications.removeAlias(id, alias))) found(undefined, 'alias')
    },
    () => ({ action: 'admin.application.alias.remove', audience: app.issuer, data: { applicationId: id, alias } }),
  )
}

/** Adds or replaces a governed MCP resource and the scopes it offers. @see spec/xaa-protocol.md checklist #9 */
export async function putResource(
  ctx: AdminContext,
  id: string,
  resource: { uri: string; name?: string | null; scopes: string[] },
): Promise<IdpResource> {
  checkResourceUri(resource.uri)
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  return audited(
    ctx,
    (tx) => tx.idp.applications.putResource(id, resource),
    (r) => ({
      action: 'admin.resource.put',
      audience: app.issuer,
      resource: r.uri,
      data: { applicationId: id, scopes: r.scopes },
    }),
  )
}

/** Removes a governed resource. */
export async function removeResource(ctx: AdminContext, id: string, uri: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.applications.removeResource(id, uri))) found(undefined, 'resource')
    },
    () => ({ action: 'admin.resource.remove', audience: app.issuer, resource: uri, data: { applicationId: id } }),
  )
}

/** Sets the `client_id` an IdP client has at this application's RAS (what goes into its ID-JAGs). */
export async function setClientId(ctx: AdminContext, id: string, clientId: string, rasClientId: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  found(await ctx.store.idp.clients.get(clientId), 'client')
  if (typeof rasClientId !== 'string' || rasClientId === '')
    throw new AdminError('invalid_request', 'rasClientId is required')
  await audited(
    ctx,
    (tx) => tx.idp.applications.setClientId(id, clientId, rasClientId),
    () => ({
      action: 'admin.application.client_id.set',
      clientId,
      audience: app.issuer,
      data: { applicationId: id, rasClientId },
    }),
  )
}

/** Removes a client-id mapping (the IdP client id is then used at the resource AS). */
export async function removeClientId(ctx: AdminContext, id: string, clientId: string): Promise<void> {
  const app = found(await ctx.store.idp.applications.get(id), 'application')
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.applications.removeClientId(id, clientId))) found(undefined, 'client id mapping')
    },
    () => ({
      action: 'admin.application.client_id.remove',
      clientId,
      audience: app.issuer,
      data: { applicationId: id },
    }),
  )
}
