/** Admin API keys for automation, stored as hashes: the key itself is shown once, when created. */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { IdpApiKeyTable } from '../schema.js'
import { checkText, guardWrite, newId } from './internal.js'

/** An API key as an admin sees it (no hash). */
export interface IdpApiKey {
  id: string
  name: string
  createdBy: string
  createdAt: number
  revokedAt: number | null
}

/** Admin API keys. */
export interface IdpApiKeyRepository {
  /** Stores the hash of a new key (the caller generates and hashes it). */
  create(input: { name: string; keyHash: string; createdBy: string }): Promise<IdpApiKey>
  /** The unrevoked key with this hash. */
  findActiveByHash(keyHash: string): Promise<IdpApiKey | undefined>
  list(): Promise<IdpApiKey[]>
  /** Revokes a key; false when it did not exist or was already revoked. */
  revoke(id: string): Promise<boolean>
}

function fromRow(row: Selectable<IdpApiKeyTable>): IdpApiKey {
  return {
    id: row.id,
    name: row.name,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  }
}

/** Builds the API key repository over a context. */
export function createIdpApiKeyRepository(context: RepositoryContext): IdpApiKeyRepository {
  const { db, clock } = context
  return {
    async create(input) {
      checkText('API key name', input.name, 256)
      checkText('keyHash', input.keyHash)
      const row = {
        id: newId(),
        name: input.name,
        key_hash: input.keyHash,
        created_by: input.createdBy,
        created_at: nowMs(clock),
        revoked_at: null,
      }
      await guardWrite(() => db.insertInto('idp_api_key').values(row).execute(), 'API key already exists')
      return fromRow(row)
    },
    async findActiveByHash(keyHash) {
      const row = await db
        .selectFrom('idp_api_key')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return row ? fromRow(row) : undefined
    },
    async list() {
      return (await db.selectFrom('idp_api_key').selectAll().orderBy('created_at').execute()).map(fromRow)
    },
    async revoke(id) {
      const result = await db
        .updateTable('idp_api_key')
        .set({ revoked_at: nowMs(clock) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },
  }
}
