/**
 * Blocks win over every connection: a user, a client, an application, or one user on one managed connection (the
 * user's own "revoke"), until a date (or until lifted).
 */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { type PreparedQuery, prepareQuery } from '../internal/prepared.js'
import type { IdpBlockTable } from '../schema.js'
import { checkText, newId } from './internal.js'

/** What a block applies to; `user_connection` targets `<connection id>:<user id>` ({@link userConnectionTarget}). */
export type IdpBlockKind = 'user' | 'client' | 'application' | 'user_connection'

/** The kinds of block. */
export const IDP_BLOCK_KINDS: readonly IdpBlockKind[] = Object.freeze([
  'user',
  'client',
  'application',
  'user_connection',
])

/** The target of a `user_connection` block: one user on one managed connection. */
export function userConnectionTarget(connectionId: string, userId: string): string {
  return `${connectionId}:${userId}`
}

/** A block. */
export interface IdpBlock {
  id: string
  kind: IdpBlockKind
  /** The user id, client id or application id; `<connection id>:<user id>` for `user_connection`. */
  target: string
  /** Epoch ms after which the block no longer applies; null until it is lifted. */
  until: number | null
  reason: string | null
  createdBy: string
  createdAt: number
}

/** Blocks. */
export interface IdpBlockRepository {
  create(input: {
    kind: IdpBlockKind
    target: string
    until?: number | null
    reason?: string | null
    createdBy: string
  }): Promise<IdpBlock>
  get(id: string): Promise<IdpBlock | undefined>
  /** Every block, or only those in force at `activeAt` (epoch ms). */
  list(filter?: { activeAt?: number }): Promise<IdpBlock[]>
  /** Lifts a block; false when it did not exist. */
  delete(id: string): Promise<boolean>
  /** Blocks in force at `now` (epoch ms; default the clock) on any of the given targets. */
  activeFor(targets: Partial<Record<IdpBlockKind, string>>, now?: number): Promise<IdpBlock[]>
}

function fromRow(row: Selectable<IdpBlockTable>): IdpBlock {
  return {
    id: row.id,
    kind: row.kind as IdpBlockKind,
    target: row.target,
    until: row.until_at === null ? null : Number(row.until_at),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  }
}

/** Builds the block repository over a context. */
export function createIdpBlockRepository(context: RepositoryContext): IdpBlockRepository {
  const { db, clock } = context
  const activeQueries = new Map<string, PreparedQuery<Selectable<IdpBlockTable>>>()
  return {
    async create(input) {
      if (!IDP_BLOCK_KINDS.includes(input.kind))
        throw new TypeError(`block kind must be one of ${IDP_BLOCK_KINDS.join(', ')}`)
      checkText('block target', input.target)
      checkText('createdBy', input.createdBy)
      if (input.until !== undefined && input.until !== null && !Number.isFinite(input.until)) {
        throw new TypeError('block until must be epoch milliseconds or null')
      }
      const row = {
        id: newId(),
        kind: input.kind,
        target: input.target,
        until_at: input.until ?? null,
        reason: input.reason ?? null,
        created_by: input.createdBy,
        created_at: nowMs(clock),
      }
      await db.insertInto('idp_block').values(row).execute()
      return fromRow(row)
    },
    async get(id) {
      const row = await db.selectFrom('idp_block').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? fromRow(row) : undefined
    },
    async list(filter = {}) {
      let q = db.selectFrom('idp_block').selectAll().orderBy('created_at', 'desc').orderBy('id')
      const at = filter.activeAt
      if (at !== undefined) q = q.where((eb) => eb.or([eb('until_at', 'is', null), eb('until_at', '>', at)]))
      return (await q.execute()).map(fromRow)
    },
    async delete(id) {
      const result = await db.deleteFrom('idp_block').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async activeFor(targets, now) {
      const at = now ?? nowMs(clock)
      const pairs = Object.entries(targets).filter((e): e is [IdpBlockKind, string] => typeof e[1] === 'string')
      if (pairs.length === 0) return []
      // Every token exchange asks this with the same kinds: one compiled query per set of kinds.
      const kinds = pairs.map(([kind]) => kind)
      const key = kinds.join(',')
      let query = activeQueries.get(key)
      if (query === undefined) {
        query = prepareQuery(db, pairs.length + 1, (db, ...slots) =>
          db
            .selectFrom('idp_block')
            .selectAll()
            .where((eb) => eb.or(kinds.map((kind, i) => eb.and([eb('kind', '=', kind), eb('target', '=', slots[i]!)]))))
            .where((eb) =>
              eb.or([eb('until_at', 'is', null), eb('until_at', '>', slots[pairs.length] as unknown as number)]),
            ),
        )
        activeQueries.set(key, query)
      }
      const rows = await query(...pairs.map(([, target]) => target), at)
      return rows.map(fromRow)
    },
  }
}
