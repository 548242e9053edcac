/**
 * "My AI connections": what an employee sees of the cross-app access made on their behalf, and revoking their own.
 * A revocation is a `user_connection` block on (connection, user): the grant handler reads it on every exchange, so
 * the next ID-JAG for that user through that connection is refused (`access_denied`, audit `ERR_BLOCKED`).
 * @see ../../../../../shared/spec/xaa-protocol.md 2(b) step 4
 */
import {
  type AuditEvent,
  type IdpBlock,
  type IdpConnection,
  type StoreTransaction,
  userConnectionTarget,
} from '@openxaa/store'
import { AUDIT_ACTIONS } from '../../audit.js'
import type { AdminContext } from '../context.js'
import { AdminError, found } from '../errors.js'

/** One connection as its user sees it. */
export interface OwnConnection {
  connection: IdpConnection
  clientName: string
  application: { id: string; name: string; issuer: string }
  /** True when the connection is enabled and the user is in one of its groups. */
  eligible: boolean
  /** ID-JAGs issued for this user through it (from the audit log), or null when none. */
  usage: { events: number; lastAt: number } | null
  /** The user's own revocation in force, if any. */
  revokedBy: IdpBlock | undefined
}

const SELF_REASON = 'revoked by the user'

function selfUserId(ctx: AdminContext): string {
  if (ctx.actor.type !== 'user') throw new AdminError('forbidden', 'only a signed-in user revokes their own access')
  return ctx.actor.id
}

/** The connections the signed-in user may use, has used, or has revoked; newest use first. */
export async function listOwnConnections(ctx: AdminContext): Promise<OwnConnection[]> {
  const userId = selfUserId(ctx)
  const { idp } = ctx.store
  const [connections, applications, clients, groups, usage, blocks] = await Promise.all([
    idp.connections.list(),
    idp.applications.list(),
    idp.clients.list(),
    idp.groups.groupsOf(userId),
    ctx.store.audit.usage({ userId, action: AUDIT_ACTIONS.idJagIssue, decision: 'allow' }),
    idp.blocks.list({ activeAt: ctx.now() }),
  ])
  const groupIds = new Set(groups.map((g) => g.id))
  const out: OwnConnection[] = []
  for (const connection of connections) {
    const app = applications.find((a) => a.id === connection.applicationId)
    if (app === undefined) continue
    const used = usage.find(
      (u) => u.clientId === connection.clientId && u.audience === app.issuer && u.resource === connection.resource,
    )
    const target = userConnectionTarget(connection.id, userId)
    const revokedBy = blocks.find((b) => b.kind === 'user_connection' && b.target === target)
    const eligible = connection.enabled && connection.groups.some((g) => groupIds.has(g))
    if (!eligible && used === undefined && revokedBy === undefined) continue
    out.push({
      connection,
      clientName: clients.find((c) => c.clientId === connection.clientId)?.name ?? connection.clientId,
      application: { id: app.id, name: app.name, issuer: app.issuer },
      eligible,
      usage: used === undefined ? null : { events: used.events, lastAt: used.lastAt },
      revokedBy,
    })
  }
  return out.sort((a, b) => (b.usage?.lastAt ?? 0) - (a.usage?.lastAt ?? 0))
}

/** The newest ID-JAG issuances and refusals for the signed-in user. */
export async function ownActivity(ctx: AdminContext, limit = 20): Promise<AuditEvent[]> {
  const userId = selfUserId(ctx)
  return (await ctx.store.audit.query({ userId, action: AUDIT_ACTIONS.idJagIssue, limit })).events
}

async function connectionFacts(ctx: AdminContext, tx: StoreTransaction, id: string) {
  const connection = found(await tx.idp.connections.get(id), 'connection')
  const app = found(await tx.idp.applications.get(connection.applicationId), 'application')
  return { connection, app, target: userConnectionTarget(connection.id, selfUserId(ctx)) }
}

/** Stops issuance for the signed-in user through one connection, until restored. Idempotent. */
export async function revokeOwnConnection(ctx: AdminContext, connectionId: string): Promise<IdpBlock> {
  const userId = selfUserId(ctx)
  return ctx.store.transaction(async (tx) => {
    const { connection, app, target } = await connectionFacts(ctx, tx, connectionId)
    const existing = await tx.idp.blocks.activeFor({ user_connection: target }, ctx.now())
    if (existing[0] !== undefined) return existing[0]
    const block = await tx.idp.blocks.create({
      kind: 'user_connection',
      target,
      reason: SELF_REASON,
      createdBy: `user:${userId}`,
    })
    await tx.audit.append({
      actor: ctx.actor,
      action: 'user.connection.revoke',
      decision: 'change',
      userId,
      clientId: connection.clientId,
      audience: app.issuer,
      resource: connection.resource,
      data: { connectionId, blockId: block.id },
    })
    return block
  })
}

/** Lifts the signed-in user's own revocation of one connection (never a block an administrator made). */
export async function restoreOwnConnection(ctx: AdminContext, connectionId: string): Promise<number> {
  const userId = selfUserId(ctx)
  return ctx.store.transaction(async (tx) => {
    const { connection, app, target } = await connectionFacts(ctx, tx, connectionId)
    const own = (await tx.idp.blocks.activeFor({ user_connection: target }, ctx.now())).filter(
      (b) => b.createdBy === `user:${userId}`,
    )
    if (own.length === 0) throw new AdminError('not_found', 'you have not revoked this connection')
    for (const block of own) await tx.idp.blocks.delete(block.id)
    await tx.audit.append({
      actor: ctx.actor,
      action: 'user.connection.restore',
      decision: 'change',
      userId,
      clientId: connection.clientId,
      audience: app.issuer,
      resource: connection.resource,
      data: { connectionId, blockIds: own.map((b) => b.id) },
    })
    return own.length
  })
}
