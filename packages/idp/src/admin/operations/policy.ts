/**
 * Managed connections and blocks. A connection records who granted consent on behalf of the organization, and when;
 * disabling one or adding a block stops issuance at the next request (the grant handler reads them every time).
 */
import type { IdpBlock, IdpBlockKind, IdpConnection, IdpConnectionInput, IdpConnectionPatch } from '@openxaa/store'
import { type AdminContext, audited } from '../context.js'
import { AdminError, found } from '../errors.js'

/**
 * Fields of a new managed connection: the store's input without an id. `groups` are group ids; each of `scopes` must
 * be offered by the resource; `consentGrantedBy` is explicit, never implied.
 */
export type NewConnection = Omit<IdpConnectionInput, 'id'>

async function checkConnection(
  ctx: AdminContext,
  input: Pick<NewConnection, 'applicationId' | 'resource' | 'scopes' | 'groups'>,
) {
  const resources = await ctx.store.idp.applications.resources(input.applicationId)
  const resource = resources.find((r) => r.uri === input.resource)
  if (resource === undefined) {
    throw new AdminError('invalid_request', 'the resource is not governed by the application')
  }
  const unknown = input.scopes.filter((s) => !resource.scopes.includes(s))
  if (unknown.length > 0)
    throw new AdminError('invalid_request', `scopes not offered by the resource: ${unknown.join(' ')}`)
  for (const group of input.groups) found(await ctx.store.idp.groups.get(group), `group ${group}`)
}

/** Creates a managed connection; its resource must be governed by the application and its scopes offered by the resource. @see spec/xaa-protocol.md 2(b) step 4 */
export async function createConnection(ctx: AdminContext, input: NewConnection): Promise<IdpConnection> {
  if (typeof input.consentGrantedBy !== 'string' || input.consentGrantedBy.trim() === '') {
    throw new AdminError('invalid_request', 'consentGrantedBy is required: who consents on behalf of the organization')
  }
  found(await ctx.store.idp.clients.get(input.clientId), 'client')
  const app = found(await ctx.store.idp.applications.get(input.applicationId), 'application')
  await checkConnection(ctx, input)
  return audited(
    ctx,
    (tx) => tx.idp.connections.create({ ...input, consentGrantedAt: input.consentGrantedAt ?? ctx.now() }),
    (c) => ({
      action: 'admin.connection.create',
      clientId: c.clientId,
      audience: app.issuer,
      resource: c.resource,
      data: { connectionId: c.id, groups: c.groups, scopes: c.scopes, consentGrantedBy: c.consentGrantedBy },
    }),
  )
}

/** Changes, enables or disables a connection; takes effect at the next token exchange. */
export async function updateConnection(
  ctx: AdminContext,
  id: string,
  changes: IdpConnectionPatch,
): Promise<IdpConnection> {
  const current = found(await ctx.store.idp.connections.get(id), 'connection')
  const app = found(await ctx.store.idp.applications.get(current.applicationId), 'application')
  if (changes.scopes !== undefined || changes.groups !== undefined) {
    await checkConnection(ctx, {
      applicationId: current.applicationId,
      resource: current.resource,
      scopes: changes.scopes ?? current.scopes,
      groups: changes.groups ?? current.groups,
    })
  }
  const action =
    changes.enabled === false
      ? 'admin.connection.disable'
      : changes.enabled === true
        ? 'admin.connection.enable'
        : 'admin.connection.update'
  return audited(
    ctx,
    async (tx) => found(await tx.idp.connections.update(id, changes), 'connection'),
    (c) => ({
      action,
      clientId: c.clientId,
      audience: app.issuer,
      resource: c.resource,
      data: { connectionId: id, fields: Object.keys(changes) },
    }),
  )
}

/** Deletes a connection: issuance under it stops at once. */
export async function deleteConnection(ctx: AdminContext, id: string): Promise<void> {
  const current = found(await ctx.store.idp.connections.get(id), 'connection')
  await audited(
    ctx,
    (tx) => tx.idp.connections.delete(id),
    () => ({
      action: 'admin.connection.delete',
      clientId: current.clientId,
      resource: current.resource,
      data: { connectionId: id },
    }),
  )
}

/** Blocks a user, client, application or one user on one connection until a date (or until lifted); wins over every connection. */
export async function createBlock(
  ctx: AdminContext,
  input: { kind: IdpBlockKind; target: string; until?: number | null; reason?: string | null },
): Promise<IdpBlock> {
  if (input.kind === 'user') found(await ctx.store.idp.users.get(input.target), 'user')
  if (input.kind === 'client') found(await ctx.store.idp.clients.get(input.target), 'client')
  if (input.kind === 'application') found(await ctx.store.idp.applications.get(input.target), 'application')
  if (input.kind === 'user_connection') {
    // `<connection id>:<user id>`: one user opted out of one connection.
    const [connectionId = '', userId = ''] = input.target.split(':', 2)
    found(await ctx.store.idp.connections.get(connectionId), 'connection')
    found(await ctx.store.idp.users.get(userId), 'user')
  }
  if (input.until !== undefined && input.until !== null && input.until <= ctx.now()) {
    throw new AdminError('invalid_request', 'until must be in the future')
  }
  return audited(
    ctx,
    (tx) => tx.idp.blocks.create({ ...input, createdBy: `${ctx.actor.type}:${ctx.actor.id}` }),
    (b) => ({
      action: 'admin.block.create',
      ...(b.kind === 'user'
        ? { userId: b.target }
        : b.kind === 'client'
          ? { clientId: b.target }
          : b.kind === 'user_connection'
            ? { userId: b.target.split(':', 2)[1] }
            : {}),
      data: { blockId: b.id, kind: b.kind, target: b.target, until: b.until },
    }),
  )
}

/** Lifts a block. */
export async function deleteBlock(ctx: AdminContext, id: string): Promise<void> {
  const block = found(await ctx.store.idp.blocks.get(id), 'block')
  await audited(
    ctx,
    (tx) => tx.idp.blocks.delete(id),
    () => ({ action: 'admin.block.delete', data: { blockId: id, kind: block.kind, target: block.target } }),
  )
}
