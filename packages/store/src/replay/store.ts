/**
 * The replay store: the resource AS records each redeemed ID-JAG `(iss, jti)` until its `exp`, in the shared
 * database, so a second redemption fails on every replica and after a restart.
 * @see spec/xaa-protocol.md 2(d).7, checklist #19, section 8.1
 */

import type { ReplayStore } from '@openxaa/protocol'
import { type Insertable, sql } from 'kysely'
import type { AuditEventInput, AuditLog } from '../audit/event.js'
import { createAuditLog, toRow } from '../audit/log.js'
import { nowMs, resolveNow } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { PurgeSchedule } from '../internal/context.js'
import { type PreparedQuery, prepareQuery } from '../internal/prepared.js'
import type { AuditEventTable } from '../schema.js'

/** Longest `iss` and `jti` recorded; a verifier rejects larger assertions long before they get here. */
const MAX_ISS_LENGTH = 2048
const MAX_JTI_LENGTH = 1024
/** An absurd `exp` is stored as "forever" rather than overflowing the column. */
const MAX_EXP_MS = Number.MAX_SAFE_INTEGER

/** Options of the replay store. */
export interface ReplayStoreOptions {
  /**
   * How long a row outlives its `exp`, in seconds (default 300). Must exceed the clock skew the verifier allows:
   * an assertion accepted within the skew after `exp` must still find its row.
   */
  leewaySeconds?: number
  /** At most one purge of expired rows per this many seconds, run on insert (default 60). */
  purgeIntervalSeconds?: number
}

/**
 * Records first uses of `(iss, jti)`: protocol's `ReplayStore`, so it plugs into `verifyIdJag`, client-assertion
 * and DPoP checks as is. `iss` is whatever scopes the `jti` (the ID-JAG issuer, a client id, a DPoP key thumbprint).
 * @see spec/xaa-protocol.md 2(d).7
 */
export interface ReplayRepository extends ReplayStore {
  /**
   * Records `(iss, jti)` with one atomic insert. True for the first use, false for every later use, across
   * replicas and restarts, until `exp` (epoch seconds) plus the leeway has passed.
   * @example if (!(await store.replay.firstUse(claims.iss, claims.jti, claims.exp))) throw replayError()
   */
  firstUse(iss: string, jti: string, exp: number): Promise<boolean>
  /** Deletes rows whose `exp` plus leeway is before `now` (epoch ms or Date; default the clock). Returns the count. */
  purgeExpired(now?: number | Date): Promise<number>
  /**
   * {@link firstUse} and, only for the first use, the audit event of what that use was granted: on PostgreSQL in
   * one statement (one round trip, and the jti is never consumed without its event); elsewhere one write after the
   * other. False, with no event written, for every later use: the caller audits that refusal itself.
   * @example if (!(await store.replay.firstUseAudited(iss, jti, exp, allowEvent))) throw replayError()
   */
  firstUseAudited(iss: string, jti: string, exp: number, event: AuditEventInput): Promise<boolean>
}

/** Audit columns that are not text, for the casts of the PostgreSQL statement. */
const AUDIT_COLUMN_TYPES: Partial<Record<keyof Insertable<AuditEventTable>, string>> = {
  at: 'bigint',
  redacted: 'integer',
  data: 'jsonb',
}
const MAX_AUDITED_SHAPES = 16

const expAtMs = (exp: number) => Math.min(Math.ceil(exp * 1000), MAX_EXP_MS)

function checkUse(iss: unknown, jti: unknown, exp: unknown): void {
  checkString('iss', iss, MAX_ISS_LENGTH)
  checkString('jti', jti, MAX_JTI_LENGTH)
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TypeError('exp must be epoch seconds')
}

function checkString(name: string, value: unknown, max: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new TypeError(`${name} must be a non-empty string of at most ${max} characters`)
  }
}

/** Builds the replay repository over a context. */
export function createReplayRepository(
  context: RepositoryContext,
  options: ReplayStoreOptions = {},
  schedule = new PurgeSchedule((options.purgeIntervalSeconds ?? 60) * 1000),
  audit: AuditLog = createAuditLog(context),
): ReplayRepository {
  const { db, clock, dialect } = context
  const leewayMs = (options.leewaySeconds ?? 300) * 1000
  if (!Number.isFinite(leewayMs) || leewayMs < 0) throw new TypeError('options.replay.leewaySeconds must be >= 0')

  async function purgeExpired(now?: number | Date): Promise<number> {
    const at = resolveNow(clock, now)
    const result = await db
      .deleteFrom('replay_jti')
      .where('exp_at', '<', at - leewayMs)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  // Every redemption (and every DPoP proof) inserts one row: compiled once.
  const insertUse = prepareQuery(db, 4, (db, iss, jti, expAt, usedAt) =>
    db
      .insertInto('replay_jti')
      .values({ iss: iss!, jti: jti!, exp_at: expAt as unknown as number, used_at: usedAt as unknown as number })
      .onConflict((oc) => oc.columns(['iss', 'jti']).doNothing())
      .returning('jti'),
  )

  // PostgreSQL: the replay insert as a data-modifying WITH, the audit row inserted from its result (no row when the
  // jti was taken). One statement per audit row shape; parameters in a SELECT list need their column's type.
  const auditedInserts = new Map<string, PreparedQuery<{ id: unknown }>>()
  const auditedInsert = (columns: (keyof Insertable<AuditEventTable>)[]) => {
    const shape = columns.join(',')
    let query = auditedInserts.get(shape)
    if (query === undefined && auditedInserts.size < MAX_AUDITED_SHAPES) {
      query = prepareQuery<{ id: unknown }>(db, 4 + columns.length, (db, iss, jti, expAt, usedAt, ...slots) => {
        const values = sql.join(
          columns.map((c, i) => sql`cast(${slots[i]} as ${sql.raw(AUDIT_COLUMN_TYPES[c] ?? 'text')})`),
        )
        const raw = sql<{ id: unknown }>`with used as (
            insert into replay_jti (iss, jti, exp_at, used_at)
            values (${iss}, ${jti}, cast(${expAt} as bigint), cast(${usedAt} as bigint))
            on conflict (iss, jti) do nothing returning jti)
          insert into audit_event (${sql.join(columns.map((c) => sql.ref(c)))})
          select ${values} from used returning id`
        return { compile: () => raw.compile(db) }
      })
      auditedInserts.set(shape, query)
    }
    return query
  }

  async function firstUse(iss: string, jti: string, exp: number): Promise<boolean> {
    checkUse(iss, jti, exp)
    const now = nowMs(clock)
    // One statement decides: the row that wins the primary key is the first use; everyone else gets no row back.
    const inserted = (await insertUse(iss, jti, expAtMs(exp), now))[0]
    await purgeWhenDue(now)
    return inserted !== undefined
  }

  async function purgeWhenDue(now: number): Promise<void> {
    if (!db.isTransaction && schedule.due(now)) {
      // The jti is already recorded: a failed purge must not turn this first use into an error. The next
      // interval retries it, and expired rows never cause a wrong answer, only a bigger table.
      await purgeExpired(now)
        .catch(() => 0)
        .finally(() => schedule.done())
    }
  }

  return {
    firstUse,
    purgeExpired,
    async firstUseAudited(iss, jti, exp, event) {
      checkUse(iss, jti, exp)
      const now = nowMs(clock)
      const row = toRow(event, now)
      const columns = Object.keys(row) as (keyof Insertable<AuditEventTable>)[]
      const query = dialect === 'postgres' ? auditedInsert(columns) : undefined
      if (query === undefined) {
        if (!(await firstUse(iss, jti, exp))) return false
        await audit.append(event)
        return true
      }
      const inserted = (await query(iss, jti, expAtMs(exp), now, ...columns.map((c) => row[c])))[0]
      await purgeWhenDue(now)
      return inserted !== undefined
    },
  }
}
