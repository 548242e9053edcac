/**
 * The replay store: the resource AS records each redeemed ID-JAG `(iss, jti)` until its `exp`, in the shared
 * database, so a second redemption fails on every replica and after a restart.
 * @see spec/xaa-protocol.md 2(d).7, checklist #19, section 8.1
 */

import type { ReplayStore } from '@openxaa/protocol'
import { nowMs, resolveNow } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { PurgeSchedule } from '../internal/context.js'
import { prepareQuery } from '../internal/prepared.js'

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
): ReplayRepository {
  const { db, clock } = context
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

  return {
    async firstUse(iss, jti, exp) {
      checkString('iss', iss, MAX_ISS_LENGTH)
      checkString('jti', jti, MAX_JTI_LENGTH)
      if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TypeError('exp must be epoch seconds')
      const now = nowMs(clock)
      // One statement decides: the row that wins the primary key is the first use; everyone else gets no row back.
      const inserted = (await insertUse(iss, jti, Math.min(Math.ceil(exp * 1000), MAX_EXP_MS), now))[0]
      if (!db.isTransaction && schedule.due(now)) {
        // The jti is already recorded: a failed purge must not turn this first use into an error. The next
        // interval retries it, and expired rows never cause a wrong answer, only a bigger table.
        await purgeExpired(now)
          .catch(() => 0)
          .finally(() => schedule.done())
      }
      return inserted !== undefined
    },
    purgeExpired,
  }
}
