/**
 * Admin API keys: `oxas_<id>_<secret>`, shown once at creation; only a SHA-256 hash is stored.
 */
import { randomBytes } from 'node:crypto'
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { AsAdminApiKeyTable } from '../schema.js'
import { hashApiKey, randomId, sameDigest } from './secrets.js'
import type { AdminApiKey } from './types.js'
import { checkText } from './validate.js'

const KEY_FORMAT = /^oxas_(ak_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

/** Admin API keys of the resource AS. */
export interface AdminApiKeyRepository {
  /** Creates a key; `key` is the only time the secret exists outside the caller. */
  create(name: string): Promise<{ apiKey: AdminApiKey; key: string }>
  /** The key's record when `key` is a valid, unrevoked key (constant-time hash comparison); else undefined. */
  verify(key: string): Promise<AdminApiKey | undefined>
  list(): Promise<AdminApiKey[]>
  revoke(id: string): Promise<AdminApiKey | undefined>
}

function fromRow(row: Selectable<AsAdminApiKeyTable>): AdminApiKey {
  return {
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  }
}

/** Builds the admin API key repository over a context. */
export function createAdminApiKeyRepository({ db, clock }: RepositoryContext): AdminApiKeyRepository {
  const read = async (id: string) => {
    const row = await db.selectFrom('as_admin_api_key').selectAll().where('id', '=', id).executeTakeFirst()
    return row && fromRow(row)
  }
  return {
    async create(name) {
      checkText('api key name', name)
      const id = randomId('ak')
      const key = `oxas_${id}_${randomBytes(32).toString('base64url')}`
      const row = {
        id,
        name,
        key_hash: hashApiKey(key),
        created_at: nowMs(clock),
        last_used_at: null,
        revoked_at: null,
      }
      await db.insertInto('as_admin_api_key').values(row).execute()
      return { apiKey: fromRow(row), key }
    },
    async verify(key) {
      const match = typeof key === 'string' ? KEY_FORMAT.exec(key) : null
      if (match === null) return undefined
      const row = await db.selectFrom('as_admin_api_key').selectAll().where('id', '=', match[1]!).executeTakeFirst()
      if (!row || row.revoked_at !== null || !sameDigest(row.key_hash, hashApiKey(key))) return undefined
      const now = nowMs(clock)
      await db.updateTable('as_admin_api_key').set({ last_used_at: now }).where('id', '=', row.id).execute()
      return fromRow({ ...row, last_used_at: now })
    },
    async list() {
      return (await db.selectFrom('as_admin_api_key').selectAll().orderBy('created_at').execute()).map(fromRow)
    },
    async revoke(id) {
      await db
        .updateTable('as_admin_api_key')
        .set({ revoked_at: nowMs(clock) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute()
      return read(id)
    },
  }
}
