/**
 * The audit log over `audit_event`: every issuance and every refusal with its reason, never a token or a secret.
 * @see architecture.md "Data that must never be lost or leaked"
 */
import type { Insertable, Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { type PreparedQuery, prepareQuery } from '../internal/prepared.js'
import type { AuditEventTable } from '../schema.js'
import { AUDIT_DECISIONS, type AuditDecision, type AuditEvent, type AuditEventInput, type AuditLog } from './event.js'
import { applyAuditFilter, IDENTIFIERS, toMs } from './filter.js'
import { clip, Redactions, redactFreeText, redactTokens, sanitizeData } from './guard.js'
import { summarizeUsage } from './usage.js'

const ACTION = /^[A-Za-z0-9_:-]+(?:\.[A-Za-z0-9_:-]+)*$/
const MAX_IDENTIFIER = 2048
const MAX_TEXT = 2000
const MAX_DATA_BYTES = 8192
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

const TEXTS = ['reason', 'rule', 'detail'] as const

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new TypeError(`audit event ${name} must be a string`)
  return value
}

/** Validates and sanitises an event into a row. Caller mistakes are TypeErrors; secrets are redacted, not refused. */
/** Checks an event and turns it into its row, redacted (store-internal: the replay store inserts rows too). */
export function toRow(event: AuditEventInput, now: number): Insertable<AuditEventTable> {
  if (typeof event !== 'object' || event === null) throw new TypeError('audit event must be an object')
  const { actor, action, decision } = event
  if (typeof actor?.type !== 'string' || actor.type === '' || typeof actor.id !== 'string') {
    throw new TypeError('audit event actor must be { type, id } strings')
  }
  if (typeof action !== 'string' || !ACTION.test(action) || action.length > 200) {
    throw new TypeError('audit event action must be a dotted name such as id_jag.issue')
  }
  if (!AUDIT_DECISIONS.includes(decision)) throw new TypeError(`audit event decision must be one of ${AUDIT_DECISIONS}`)
  const redactions = new Redactions()
  const row: Insertable<AuditEventTable> = {
    at: event.at === undefined ? now : toMs('audit event at', event.at),
    actor_type: clip(redactTokens(actor.type, redactions), 100),
    actor_id: clip(redactTokens(actor.id, redactions), MAX_IDENTIFIER),
    action,
    decision,
    redacted: 0,
  }
  for (const name of TEXTS) {
    const value = optionalString(name, event[name])
    if (value !== undefined) row[name] = clip(redactFreeText(value, redactions), MAX_TEXT)
  }
  for (const [name, column] of IDENTIFIERS) {
    const value = optionalString(name, event[name])
    if (value !== undefined) row[column] = clip(redactTokens(value, redactions), MAX_IDENTIFIER)
  }
  if (event.data !== undefined && event.data !== null) {
    if (typeof event.data !== 'object' || Array.isArray(event.data))
      throw new TypeError('audit event data must be an object')
    let json = toJson(sanitizeData(event.data, redactions))
    if (Buffer.byteLength(json) > MAX_DATA_BYTES) json = toJson({ truncated: true })
    row.data = json
  }
  row.redacted = redactions.count
  return row
}

/**
 * An event from its row: one read back (`fromRow`, `data` as the driver hands it back) or one just inserted
 * (`insertedEvent`, `data` still the JSON text written, absent columns undefined rather than null).
 */
function toEvent(
  row: Omit<Insertable<AuditEventTable>, 'data'> & { data?: unknown },
  id: number,
  data: () => AuditEvent['data'],
): AuditEvent {
  const event: AuditEvent = {
    id,
    at: Number(row.at),
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    decision: row.decision as AuditDecision,
    redacted: Number(row.redacted ?? 0),
  }
  for (const name of TEXTS) {
    const value = row[name]
    if (value !== null && value !== undefined) event[name] = value
  }
  for (const [name, column] of IDENTIFIERS) {
    const value = row[column]
    if (value !== null && value !== undefined) event[name] = value
  }
  if (row.data !== null && row.data !== undefined) event.data = data()
  return event
}

function fromRow(context: RepositoryContext, row: Selectable<AuditEventTable>): AuditEvent {
  return toEvent(row, Number(row.id), () => fromJson(context.dialect, row.data))
}

/**
 * The event as stored, from the row just inserted and its id: reading the row back (`returning *`) cost a wide row's
 * transfer and parsing on every issuance, for values this process already holds.
 */
function insertedEvent(row: Insertable<AuditEventTable>, id: number): AuditEvent {
  return toEvent(row, id, () => JSON.parse(row.data as string))
}

function encodeCursor(event: AuditEvent): string {
  return Buffer.from(JSON.stringify([event.at, event.id])).toString('base64url')
}

function decodeCursor(cursor: string): [number, number] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) {
      return value as [number, number]
    }
  } catch {}
  throw new TypeError('audit query cursor is malformed')
}

/** Compiled INSERT statements kept per audit log (one per set of columns). */
const MAX_INSERT_SHAPES = 64

/** Builds the audit log over a context. */
export function createAuditLog(context: RepositoryContext): AuditLog {
  const { db, clock } = context
  // The servers append events of a handful of shapes (which optional columns are set): one compiled INSERT per
  // shape, up to a bound; any further shape is built as before.
  const inserts = new Map<string, PreparedQuery<{ id: number | string | bigint }>>()
  const insert = async (row: Insertable<AuditEventTable>) => {
    const columns = Object.keys(row) as (keyof Insertable<AuditEventTable>)[]
    const shape = columns.join(',')
    let query = inserts.get(shape)
    if (query === undefined && inserts.size < MAX_INSERT_SHAPES) {
      query = prepareQuery(db, columns.length, (db, ...slots) =>
        db
          .insertInto('audit_event')
          .values(Object.fromEntries(columns.map((c, i) => [c, slots[i]])) as Insertable<AuditEventTable>)
          .returning('id'),
      )
      inserts.set(shape, query)
    }
    if (query === undefined) return db.insertInto('audit_event').values(row).returning('id').executeTakeFirstOrThrow()
    const stored = (await query(...columns.map((c) => row[c])))[0]
    if (stored === undefined) throw new Error('audit insert returned no row')
    return stored
  }
  return {
    async append(event) {
      const row = toRow(event, nowMs(clock))
      const { id } = await insert(row)
      return insertedEvent(row, Number(id))
    },

    async query(filter = {}) {
      const limit = filter.limit ?? DEFAULT_LIMIT
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new TypeError(`audit query limit must be an integer from 1 to ${MAX_LIMIT}`)
      }
      let q = applyAuditFilter(db.selectFrom('audit_event').selectAll(), filter)
      if (filter.cursor !== undefined) {
        const [at, id] = decodeCursor(filter.cursor)
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]))
      }
      const rows = await q
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute()
      const events = rows.slice(0, limit).map((row) => fromRow(context, row))
      const last = events.at(-1)
      return rows.length > limit && last ? { events, nextCursor: encodeCursor(last) } : { events }
    },

    usage: (filter = {}) => summarizeUsage(db, filter),

    async purgeOlderThan(cutoff) {
      const result = await db.deleteFrom('audit_event').where('at', '<', toMs('cutoff', cutoff)).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
