/** The WHERE clause shared by audit queries and usage summaries, written once for both dialects. */
import type { SelectQueryBuilder } from 'kysely'
import type { Database } from '../schema.js'
import type { AuditQuery, AuditUsageQuery } from './event.js'

/** Filterable identifier fields and their columns. */
export const IDENTIFIERS = [
  ['userId', 'user_id'],
  ['subject', 'subject'],
  ['clientId', 'client_id'],
  ['resource', 'resource'],
  ['audience', 'audience'],
  ['issuer', 'issuer'],
  ['organization', 'organization'],
  ['tenant', 'tenant'],
  ['requestId', 'request_id'],
] as const

/** A value or a list of values, as a list. */
export function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T]
}

/** Epoch ms from a number or a Date; a TypeError naming `name` otherwise. */
export function toMs(name: string, value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw new TypeError(`${name} must be epoch milliseconds or a Date`)
  return Math.floor(ms)
}

/** Adds every given filter (all must match) to a select over `audit_event`. */
export function applyAuditFilter<O>(
  query: SelectQueryBuilder<Database, 'audit_event', O>,
  filter: Omit<AuditQuery, 'limit' | 'cursor'> & Pick<AuditUsageQuery, 'reason'>,
): SelectQueryBuilder<Database, 'audit_event', O> {
  let q = query
  for (const [name, column] of IDENTIFIERS) {
    const value = filter[name]
    if (value !== undefined) q = q.where(column, '=', value)
  }
  if (filter.decision !== undefined) q = q.where('decision', 'in', asList(filter.decision))
  if (filter.reason !== undefined) q = q.where('reason', 'in', asList(filter.reason))
  if (filter.action !== undefined) {
    const actions = asList(filter.action)
    q = q.where((eb) =>
      eb.or(
        actions.map((action) =>
          action.endsWith('.*')
            ? eb(eb.fn('substr', ['action', eb.lit(1), eb.lit(action.length - 1)]), '=', action.slice(0, -1))
            : eb('action', '=', action),
        ),
      ),
    )
  }
  if (filter.since !== undefined) q = q.where('at', '>=', toMs('audit query since', filter.since))
  if (filter.until !== undefined) q = q.where('at', '<', toMs('audit query until', filter.until))
  return q
}
