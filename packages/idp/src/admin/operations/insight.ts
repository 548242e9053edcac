/**
 * What the console's overview shows, read from the policy tables and the audit log: every managed connection with how
 * many distinct users got an ID-JAG through it and when last, the newest refusals, and what needs attention (a
 * disabled connection still being requested, a signing key due for rotation).
 */
import type { AuditEvent, IdpApplication, IdpClient, IdpConnection, SigningKeyInfo } from '@openxaa/store'
import { AUDIT_ACTIONS } from '../../audit.js'
import type { AdminContext } from '../context.js'
import { listKeys } from './keys.js'

/** A connection with the names around it and its use. */
export interface ConnectionUse {
  connection: IdpConnection
  client: Pick<IdpClient, 'clientId' | 'name' | 'enabled'>
  application: Pick<IdpApplication, 'id' | 'name' | 'issuer'>
  /** Distinct users who got an ID-JAG through it, and the newest issuance; 0 and null when unused. */
  users: number
  issued: number
  lastIssuedAt: number | null
}

/** Something an administrator should look at. */
export type Attention =
  | { kind: 'disabled_connection_requested'; use: ConnectionUse; refusals: number; lastAt: number }
  | { kind: 'key_due_for_rotation'; key: SigningKeyInfo; ageDays: number; maxAgeDays: number }

/** Signing keys older than this are due for rotation. */
const KEY_ROTATION_DAYS = 90
/** How far back "still being requested" looks. */
const ATTENTION_WINDOW_MS = 7 * 86_400_000

/** Every managed connection with its use, from the audit log (issuances since `since`, default all time). */
export async function connectionUses(ctx: AdminContext, since?: number): Promise<ConnectionUse[]> {
  const { idp } = ctx.store
  const [connections, applications, clients, usage] = await Promise.all([
    idp.connections.list(),
    idp.applications.list(),
    idp.clients.list(),
    ctx.store.audit.usage({
      action: AUDIT_ACTIONS.idJagIssue,
      decision: 'allow',
      ...(since === undefined ? {} : { since }),
    }),
  ])
  const out: ConnectionUse[] = []
  for (const connection of connections) {
    const app = applications.find((a) => a.id === connection.applicationId)
    if (app === undefined) continue
    const client = clients.find((c) => c.clientId === connection.clientId)
    const used = usage.find(
      (u) => u.clientId === connection.clientId && u.audience === app.issuer && u.resource === connection.resource,
    )
    out.push({
      connection,
      client: { clientId: connection.clientId, name: client?.name ?? connection.clientId, enabled: !!client?.enabled },
      application: { id: app.id, name: app.name, issuer: app.issuer },
      users: used?.users ?? 0,
      issued: used?.events ?? 0,
      lastIssuedAt: used?.lastAt ?? null,
    })
  }
  return out
}

/** The newest refused token exchanges, each with its reason code. */
export async function recentRefusals(ctx: AdminContext, limit = 10): Promise<AuditEvent[]> {
  return (await ctx.store.audit.query({ action: AUDIT_ACTIONS.idJagIssue, decision: 'deny', limit })).events
}

/** Disabled connections refused within the last week, and signing keys older than {@link KEY_ROTATION_DAYS}. */
export async function needsAttention(ctx: AdminContext, uses?: ConnectionUse[]): Promise<Attention[]> {
  const now = ctx.now()
  const [all, refused, keys] = await Promise.all([
    uses ?? connectionUses(ctx),
    ctx.store.audit.usage({
      action: AUDIT_ACTIONS.idJagIssue,
      decision: 'deny',
      reason: 'ERR_CONNECTION_DISABLED',
      since: now - ATTENTION_WINDOW_MS,
    }),
    listKeys(ctx),
  ])
  const out: Attention[] = []
  for (const use of all) {
    if (use.connection.enabled) continue
    const r = refused.find(
      (u) =>
        u.clientId === use.connection.clientId &&
        u.audience === use.application.issuer &&
        u.resource === use.connection.resource,
    )
    if (r !== undefined) out.push({ kind: 'disabled_connection_requested', use, refusals: r.events, lastAt: r.lastAt })
  }
  // A published next key means the rotation is under way: the old signing key is no longer due.
  const rotating = keys.some((k) => k.status === 'next')
  for (const key of keys) {
    const ageDays = Math.floor((now - key.createdAt) / 86_400_000)
    if (key.status === 'current' && !rotating && ageDays >= KEY_ROTATION_DAYS)
      out.push({ kind: 'key_due_for_rotation', key, ageDays, maxAgeDays: KEY_ROTATION_DAYS })
  }
  return out
}
