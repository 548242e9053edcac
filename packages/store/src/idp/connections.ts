/**
 * Managed connections: "client C may reach resource R of application A, for members of groups G, with at most
 * scopes S", enabled or disabled, optionally with a maximum authentication age. Deny by default: the IdP issues an
 * ID-JAG only under an enabled connection.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) step 4 (admin policy), checklist #8 and #11
 */
import type { Selectable, Updateable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { IdpConnectionTable, SqlDialect } from '../schema.js'
import { bool, checkStrings, checkText, guardWrite, int, newId, readList, writeList } from './internal.js'

/** A managed connection. */
export interface IdpConnection {
  id: string
  /** The IdP client (AI application). */
  clientId: string
  applicationId: string
  /** The MCP resource identifier, governed by the application. */
  resource: string
  /** Group ids whose members may use the connection. */
  groups: string[]
  /** The most scopes an ID-JAG under this connection may carry. */
  scopes: string[]
  enabled: boolean
  /** Seconds since sign-in after which the user must sign in again (`insufficient_user_authentication`). */
  maxAuthAge: number | null
  /** Who granted consent on behalf of the organisation, and when (epoch ms). */
  consentGrantedBy: string
  consentGrantedAt: number
  createdAt: number
  updatedAt: number
}

/** Fields of a new connection. */
export interface IdpConnectionInput {
  id?: string
  clientId: string
  applicationId: string
  resource: string
  groups: string[]
  scopes: string[]
  enabled?: boolean
  maxAuthAge?: number | null
  consentGrantedBy: string
  consentGrantedAt?: number
}

/** Fields an update may change. */
export type IdpConnectionPatch = Partial<
  Pick<IdpConnectionInput, 'groups' | 'scopes' | 'enabled' | 'maxAuthAge' | 'consentGrantedBy' | 'consentGrantedAt'>
>

/** Managed connections. */
export interface IdpConnectionRepository {
  create(input: IdpConnectionInput): Promise<IdpConnection>
  get(id: string): Promise<IdpConnection | undefined>
  list(filter?: { clientId?: string; applicationId?: string }): Promise<IdpConnection[]>
  /** The connection for exactly this (client, application, resource), enabled or not. */
  find(clientId: string, applicationId: string, resource: string): Promise<IdpConnection | undefined>
  update(id: string, patch: IdpConnectionPatch): Promise<IdpConnection | undefined>
  delete(id: string): Promise<boolean>
}

function checkMaxAuthAge(value: unknown): void {
  if (value !== undefined && value !== null && (!Number.isInteger(value) || (value as number) < 0)) {
    throw new TypeError('maxAuthAge must be a whole number of seconds >= 0, or null')
  }
}

/** A connection row as an {@link IdpConnection}. */
export function connectionFromRow(dialect: SqlDialect, row: Selectable<IdpConnectionTable>): IdpConnection {
  return {
    id: row.id,
    clientId: row.client_id,
    applicationId: row.application_id,
    resource: row.resource,
    groups: readList(dialect, row.groups),
    scopes: readList(dialect, row.scopes),
    enabled: bool(row.enabled),
    maxAuthAge: row.max_auth_age === null ? null : Number(row.max_auth_age),
    consentGrantedBy: row.consent_granted_by,
    consentGrantedAt: Number(row.consent_granted_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

/** Builds the connection repository over a context. */
export function createIdpConnectionRepository(context: RepositoryContext): IdpConnectionRepository {
  const { db, dialect, clock } = context

  const fromRow = (row: Selectable<IdpConnectionTable>) => connectionFromRow(dialect, row)

  async function get(id: string) {
    const row = await db.selectFrom('idp_connection').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? fromRow(row) : undefined
  }

  return {
    async create(input) {
      checkText('clientId', input.clientId)
      checkText('applicationId', input.applicationId)
      checkText('resource', input.resource, 2048)
      checkStrings('groups', input.groups)
      checkStrings('scopes', input.scopes, 256)
      checkText('consentGrantedBy', input.consentGrantedBy)
      checkMaxAuthAge(input.maxAuthAge)
      const now = nowMs(clock)
      const id = input.id ?? newId()
      await guardWrite(
        () =>
          db
            .insertInto('idp_connection')
            .values({
              id,
              client_id: input.clientId,
              application_id: input.applicationId,
              resource: input.resource,
              groups: writeList(input.groups),
              scopes: writeList(input.scopes),
              enabled: int(input.enabled ?? true),
              max_auth_age: input.maxAuthAge ?? null,
              consent_granted_by: input.consentGrantedBy,
              consent_granted_at: input.consentGrantedAt ?? now,
              created_at: now,
              updated_at: now,
            })
            .execute(),
        'a connection for this client, application and resource already exists',
        'the client or the application',
      )
      return (await get(id))!
    },
    get,
    async list(filter = {}) {
      let q = db.selectFrom('idp_connection').selectAll().orderBy('created_at').orderBy('id')
      if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId)
      if (filter.applicationId !== undefined) q = q.where('application_id', '=', filter.applicationId)
      return (await q.execute()).map(fromRow)
    },
    async find(clientId, applicationId, resource) {
      const row = await db
        .selectFrom('idp_connection')
        .selectAll()
        .where('client_id', '=', clientId)
        .where('application_id', '=', applicationId)
        .where('resource', '=', resource)
        .executeTakeFirst()
      return row ? fromRow(row) : undefined
    },
    async update(id, patch) {
      if (patch.groups !== undefined) checkStrings('groups', patch.groups)
      if (patch.scopes !== undefined) checkStrings('scopes', patch.scopes, 256)
      if (patch.consentGrantedBy !== undefined) checkText('consentGrantedBy', patch.consentGrantedBy)
      checkMaxAuthAge(patch.maxAuthAge)
      const set: Updateable<IdpConnectionTable> = { updated_at: nowMs(clock) }
      if (patch.groups !== undefined) set.groups = writeList(patch.groups)
      if (patch.scopes !== undefined) set.scopes = writeList(patch.scopes)
      if (patch.enabled !== undefined) set.enabled = int(patch.enabled)
      if (patch.maxAuthAge !== undefined) set.max_auth_age = patch.maxAuthAge
      if (patch.consentGrantedBy !== undefined) set.consent_granted_by = patch.consentGrantedBy
      if (patch.consentGrantedAt !== undefined) set.consent_granted_at = patch.consentGrantedAt
      const result = await db.updateTable('idp_connection').set(set).where('id', '=', id).executeTakeFirst()
      return Number(result.numUpdatedRows) === 0 ? undefined : get(id)
    },
    async delete(id) {
      const result = await db.deleteFrom('idp_connection').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
