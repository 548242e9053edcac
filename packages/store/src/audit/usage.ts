/**
 * Usage summaries over the audit log: per (client, audience, resource), how many distinct users, how many events, and
 * the newest one. The IdP console draws its connection graph and the employee's "My AI connections" from these.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'
import type { AuditUsage, AuditUsageQuery } from './event.js'
import { applyAuditFilter } from './filter.js'

const MAX_GROUPS = 5000

/** Groups the events matching `filter` by (client, audience, resource), newest group first. */
export async function summarizeUsage(db: Kysely<Database>, filter: AuditUsageQuery): Promise<AuditUsage[]> {
  const rows = await applyAuditFilter(
    db
      .selectFrom('audit_event')
      .select((eb) => [
        'client_id',
        'audience',
        'resource',
        eb.fn.count<number | string | bigint>('user_id').distinct().as('users'),
        eb.fn.countAll<number | string | bigint>().as('events'),
        eb.fn.max<number | string | bigint>('at').as('last_at'),
      ]),
    filter,
  )
    .groupBy(['client_id', 'audience', 'resource'])
    .orderBy('last_at', 'desc')
    .limit(MAX_GROUPS)
    .execute()
  return rows.map((row) => ({
    clientId: row.client_id,
    audience: row.audience,
    resource: row.resource,
    users: Number(row.users),
    events: Number(row.events),
    lastAt: Number(row.last_at),
  }))
}
