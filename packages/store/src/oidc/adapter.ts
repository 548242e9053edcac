/**
 * The storage adapter of `oidc-provider` 9: one instance per model name (Session, Grant, AccessToken,
 * AuthorizationCode, RefreshToken, DeviceCode, Interaction, …), all in `oidc_model`. Payloads are JSON (`jsonb` on
 * PostgreSQL); expired rows are never returned and are purged periodically.
 * @see https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js (the documented contract)
 */
import { nowMs, resolveNow } from '../clock.js'
import type { PurgeSchedule, RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'

/** A model payload as oidc-provider hands it over; `consumed` is set by `consume` (epoch seconds). */
export interface AdapterPayload {
  [key: string]: unknown
  grantId?: string
  userCode?: string
  accountId?: string
  uid?: string
  consumed?: number
}

/** The seven methods oidc-provider calls on an adapter. */
export interface OidcAdapter {
  /** Inserts or replaces the payload of `id`; it expires after `expiresIn` seconds (none when absent or 0). */
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>
  /** The payload of `id`, or undefined when missing or expired. */
  find(id: string): Promise<AdapterPayload | undefined>
  /** The Session whose `uid` is given, or undefined. */
  findByUid(uid: string): Promise<AdapterPayload | undefined>
  /** The DeviceCode whose `userCode` is given, or undefined. */
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>
  /** Marks `id` consumed: later `find`s return it with `consumed` (epoch seconds) so reuse is detected. */
  consume(id: string): Promise<void>
  /** Deletes `id`. */
  destroy(id: string): Promise<void>
  /** Deletes every row of this model issued under `grantId` (oidc-provider calls it on each grantable model). */
  revokeByGrantId(grantId: string): Promise<void>
}

/** `oidc-provider`'s `adapter` option: a factory of adapters by model name. */
export type OidcAdapterFactory = (name: string) => OidcAdapter

/** The model store behind the adapters. */
export interface OidcModelStore {
  /** The adapter for one model name. */
  adapter: OidcAdapterFactory
  /** Deletes expired rows of every model; returns the count. */
  purgeExpired(now?: number | Date): Promise<number>
  /**
   * Deletes every session, grant, code and token of an account (all models at once), e.g. when a user is disabled.
   * Returns the count.
   */
  revokeByAccountId(accountId: string): Promise<number>
}

function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
    throw new TypeError(`${name} must be a non-empty string of at most 1024 characters`)
  }
}

function optional(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

/** Builds the oidc-provider model store over a context. */
export function createOidcModelStore(context: RepositoryContext, schedule: PurgeSchedule): OidcModelStore {
  const { db, dialect, clock } = context

  async function purgeExpired(now?: number | Date): Promise<number> {
    const at = resolveNow(clock, now)
    const result = await db.deleteFrom('oidc_model').where('expires_at', '<=', at).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  function adapter(name: string): OidcAdapter {
    checkId('model name', name)
    const model = name

    async function findWhere(column: 'id' | 'uid' | 'user_code', value: string) {
      const now = nowMs(clock)
      const row = await db
        .selectFrom('oidc_model')
        .select(['payload', 'consumed_at'])
        .where('model', '=', model)
        .where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst()
      if (!row) return undefined
      const payload = fromJson<AdapterPayload>(dialect, row.payload)
      return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) }
    }

    return {
      async upsert(id, payload, expiresIn) {
        checkId('id', id)
        if (typeof payload !== 'object' || payload === null) throw new TypeError('payload must be an object')
        const now = nowMs(clock)
        const expiresAt =
          typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : null
        const { consumed, ...stored } = payload
        const values = {
          payload: toJson(stored),
          grant_id: optional(payload.grantId),
          user_code: optional(payload.userCode),
          uid: optional(payload.uid),
          account_id: optional(payload.accountId),
          expires_at: expiresAt,
          consumed_at: typeof consumed === 'number' ? consumed * 1000 : null,
        }
        await db
          .insertInto('oidc_model')
          .values({ model, id, ...values })
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
          .execute()
        if (!db.isTransaction && schedule.due(now)) {
          // A failed purge only leaves expired rows behind, which reads already ignore.
          await purgeExpired(now)
            .catch(() => 0)
            .finally(() => schedule.done())
        }
      },
      async find(id) {
        checkId('id', id)
        return findWhere('id', id)
      },
      async findByUid(uid) {
        checkId('uid', uid)
        return findWhere('uid', uid)
      },
      async findByUserCode(userCode) {
        checkId('userCode', userCode)
        return findWhere('user_code', userCode)
      },
      async consume(id) {
        checkId('id', id)
        await db
          .updateTable('oidc_model')
          .set({ consumed_at: nowMs(clock) })
          .where('model', '=', model)
          .where('id', '=', id)
          .where('consumed_at', 'is', null)
          .execute()
      },
      async destroy(id) {
        checkId('id', id)
        await db.deleteFrom('oidc_model').where('model', '=', model).where('id', '=', id).execute()
      },
      async revokeByGrantId(grantId) {
        checkId('grantId', grantId)
        await db.deleteFrom('oidc_model').where('model', '=', model).where('grant_id', '=', grantId).execute()
      },
    }
  }

  async function revokeByAccountId(accountId: string): Promise<number> {
    checkId('accountId', accountId)
    const result = await db.deleteFrom('oidc_model').where('account_id', '=', accountId).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  return { adapter, purgeExpired, revokeByAccountId }
}
