/**
 * Clients registered at the resource AS: `client_secret_basic` / `client_secret_post` with a scrypt-hashed secret,
 * or `private_key_jwt` with a JWK Set or its URL. The secret is never stored or returned.
 * @see ../../../../shared/spec/xaa-protocol.md 2(d) step 1, decision 6
 */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { prepareQuery } from '../internal/prepared.js'
import type { AsClientTable } from '../schema.js'
import type { VerifiedSecretCache } from './secret-cache.js'
import { hashSecret, verifySecret } from './secrets.js'
import { AS_CLIENT_AUTH_METHODS, type AsClient, type AsClientAuthMethod, type AsClientInput } from './types.js'
import { checkHttpsUrl, checkPublicJwks, checkSlug, checkText, conflictAs } from './validate.js'

/** Clients of the resource AS. */
export interface AsClientRepository {
  /** Registers a client; `ERR_STORE_CONFLICT` when the id is taken. */
  create(input: AsClientInput): Promise<AsClient>
  get(clientId: string): Promise<AsClient | undefined>
  list(): Promise<AsClient[]>
  setEnabled(clientId: string, enabled: boolean): Promise<AsClient | undefined>
  /**
   * True when `secret` is the client's secret. Unknown clients and clients without a secret take the same time and
   * answer false (no timing oracle for client ids).
   */
  verifySecret(clientId: string, secret: string): Promise<boolean>
  /** {@link get} and {@link verifySecret} in one read: the hashing time is spent whether the client exists or not. */
  authenticateSecret(clientId: string, secret: string): Promise<{ client: AsClient | undefined; ok: boolean }>
}

/** Maps a stored client row (store-internal: the redemption read maps the same columns). */
export function fromRow(dialect: RepositoryContext['dialect'], row: Selectable<AsClientTable>): AsClient {
  return {
    clientId: row.client_id,
    organizationId: row.organization_id,
    name: row.name,
    hasSecret: row.secret_hash !== null,
    jwks: row.jwks === null ? null : fromJson(dialect, row.jwks),
    jwksUri: row.jwks_uri,
    authMethods: fromJson<AsClientAuthMethod[]>(dialect, row.auth_methods),
    enabled: Number(row.enabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

function checkInput(input: AsClientInput): void {
  checkText('client clientId', input?.clientId, 255)
  // A URL-shaped id would be taken for a Client ID Metadata Document URL.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input.clientId)) {
    throw new TypeError('client clientId must not be a URL: URLs are Client ID Metadata Documents')
  }
  if (input.organizationId !== undefined && input.organizationId !== null) {
    checkSlug('client organizationId', input.organizationId)
  }
  if (input.name !== undefined && input.name !== null) checkText('client name', input.name)
  const methods = input.authMethods
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => AS_CLIENT_AUTH_METHODS.includes(m))) {
    throw new TypeError(`client authMethods must list some of ${AS_CLIENT_AUTH_METHODS.join(', ')}`)
  }
  const wantsSecret = methods.some((m) => m !== 'private_key_jwt')
  if (wantsSecret !== (input.secret !== undefined)) {
    throw new TypeError('client secret is required exactly when a client_secret_* method is allowed')
  }
  if (input.secret !== undefined && (typeof input.secret !== 'string' || input.secret.length < 16)) {
    throw new TypeError('client secret must be a string of at least 16 characters')
  }
  const wantsKeys = methods.includes('private_key_jwt')
  const hasKeys = Boolean(input.jwks) || Boolean(input.jwksUri)
  if (wantsKeys !== hasKeys) throw new TypeError('client jwks or jwksUri is required exactly with private_key_jwt')
  if (input.jwks && input.jwksUri) throw new TypeError('client takes jwks or jwksUri, not both')
  if (input.jwks) checkPublicJwks('client jwks', input.jwks)
  if (input.jwksUri) checkHttpsUrl('client jwksUri', input.jwksUri)
}

/**
 * True when `secret` matches the row's secret hash; the hashing time is spent whether the row exists or not. A
 * secret verified moments ago against this very row version need not be hashed again (secret-cache.ts).
 */
export async function checkClientSecret(
  verifiedSecrets: VerifiedSecretCache | undefined,
  clientId: string,
  row: Selectable<AsClientTable> | undefined,
  secret: string,
): Promise<boolean> {
  const storedHash = row?.secret_hash ?? undefined
  const verification =
    storedHash === undefined || typeof secret !== 'string'
      ? undefined
      : { clientId, secret, storedHash, updatedAt: Number(row!.updated_at) }
  if (verification === undefined || verifiedSecrets === undefined) return verifySecret(secret, storedHash)
  return verifiedSecrets.verify(verification, () => verifySecret(secret, storedHash))
}

/** Builds the client repository over a context. */
export function createAsClientRepository(context: RepositoryContext): AsClientRepository {
  const { db, dialect, clock, verifiedSecrets } = context
  // Every token request authenticates its client: compiled once, and the secret check reuses the same row read.
  const byId = prepareQuery(db, 1, (db, clientId) =>
    db.selectFrom('as_client').selectAll().where('client_id', '=', clientId!),
  )
  const read = async (clientId: string) => {
    const row = (await byId(clientId))[0]
    return row && fromRow(dialect, row)
  }
  const checkSecret = (clientId: string, row: Selectable<AsClientTable> | undefined, secret: string) =>
    checkClientSecret(verifiedSecrets, clientId, row, secret)
  return {
    async create(input) {
      checkInput(input)
      const now = nowMs(clock)
      const row = {
        client_id: input.clientId,
        organization_id: input.organizationId ?? null,
        name: input.name ?? null,
        secret_hash: input.secret === undefined ? null : await hashSecret(input.secret),
        jwks: input.jwks ? toJson(input.jwks) : null,
        jwks_uri: input.jwksUri ?? null,
        auth_methods: toJson([...new Set(input.authMethods)]),
        enabled: 1,
        created_at: now,
        updated_at: now,
      }
      await conflictAs(`client "${input.clientId}"`, () => db.insertInto('as_client').values(row).execute())
      return (await read(input.clientId))!
    },
    get: read,
    async list() {
      const rows = await db.selectFrom('as_client').selectAll().orderBy('client_id').execute()
      return rows.map((row) => fromRow(dialect, row))
    },
    async setEnabled(clientId, enabled) {
      await db
        .updateTable('as_client')
        .set({ enabled: enabled ? 1 : 0, updated_at: nowMs(clock) })
        .where('client_id', '=', clientId)
        .execute()
      return read(clientId)
    },
    async verifySecret(clientId, secret) {
      return checkSecret(clientId, (await byId(clientId))[0], secret)
    },
    async authenticateSecret(clientId, secret) {
      const row = (await byId(clientId))[0]
      return { client: row && fromRow(dialect, row), ok: await checkSecret(clientId, row, secret) }
    },
  }
}
