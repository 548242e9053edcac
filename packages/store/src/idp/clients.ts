/**
 * OIDC clients of the IdP: the AI applications. The IdP serves their metadata to oidc-provider from here on every
 * lookup, so an admin change (a new redirect URI, a disabled client) applies without a restart.
 */
import type { Selectable, Updateable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { prepareQuery } from '../internal/prepared.js'
import type { IdpClientTable, SqlDialect } from '../schema.js'
import { bool, checkStrings, checkText, guardWrite, int, readList, writeList } from './internal.js'

/** How a client authenticates at the token endpoint. */
export type IdpClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** The client authentication methods the IdP accepts. */
export const IDP_CLIENT_AUTH_METHODS: readonly IdpClientAuthMethod[] = Object.freeze([
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
])

/** A client as stored; the secret hash is only read through {@link IdpClientRepository.secretHash}. */
export interface IdpClient {
  clientId: string
  name: string
  tokenEndpointAuthMethod: IdpClientAuthMethod
  /** `web` or `native` (OIDC `application_type`). */
  applicationType: 'web' | 'native'
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  /** OAuth grant types, e.g. authorization_code, refresh_token, token exchange (cross-app access), device_code. */
  grantTypes: string[]
  /** Public JWK Set for private_key_jwt. */
  jwks: { keys: Record<string, unknown>[] } | null
  hasSecret: boolean
  /** First-party or admin-approved: no consent screen. */
  firstParty: boolean
  enabled: boolean
  createdAt: number
  updatedAt: number
}

/** Fields of a new client. */
export interface IdpClientInput {
  clientId: string
  name: string
  tokenEndpointAuthMethod: IdpClientAuthMethod
  applicationType?: 'web' | 'native'
  redirectUris?: string[]
  postLogoutRedirectUris?: string[]
  grantTypes: string[]
  jwks?: { keys: Record<string, unknown>[] } | null
  /** Hash of the secret (the IdP hashes generated secrets); never the secret itself. */
  secretHash?: string | null
  firstParty?: boolean
  enabled?: boolean
}

/** Fields an update may change. */
export type IdpClientPatch = Partial<Omit<IdpClientInput, 'clientId'>>

/** The IdP's clients. */
export interface IdpClientRepository {
  create(input: IdpClientInput): Promise<IdpClient>
  get(clientId: string): Promise<IdpClient | undefined>
  /** The stored secret hash, for client authentication only. */
  secretHash(clientId: string): Promise<string | null | undefined>
  /** The client and its stored secret hash in one read, for client authentication only. */
  withSecretHash(clientId: string): Promise<{ client: IdpClient; secretHash: string | null } | undefined>
  list(): Promise<IdpClient[]>
  update(clientId: string, patch: IdpClientPatch): Promise<IdpClient | undefined>
  delete(clientId: string): Promise<boolean>
}

function checkInput(input: Partial<IdpClientInput>): void {
  if (input.name !== undefined) checkText('client name', input.name, 256)
  if (input.tokenEndpointAuthMethod !== undefined && !IDP_CLIENT_AUTH_METHODS.includes(input.tokenEndpointAuthMethod)) {
    throw new TypeError(`tokenEndpointAuthMethod must be one of ${IDP_CLIENT_AUTH_METHODS.join(', ')}`)
  }
  if (input.applicationType !== undefined && input.applicationType !== 'web' && input.applicationType !== 'native') {
    throw new TypeError('applicationType must be web or native')
  }
  if (input.redirectUris !== undefined) checkStrings('redirectUris', input.redirectUris, 2048)
  if (input.postLogoutRedirectUris !== undefined) checkStrings('postLogoutRedirectUris', input.postLogoutRedirectUris)
  if (input.grantTypes !== undefined) checkStrings('grantTypes', input.grantTypes)
  if (input.jwks !== undefined && input.jwks !== null && !Array.isArray(input.jwks.keys)) {
    throw new TypeError('jwks must be a JWK Set ({ keys: [...] })')
  }
}

/** A client row as the repository returns it. */
export function clientFromRow(dialect: SqlDialect, row: Selectable<IdpClientTable>): IdpClient {
  return {
    clientId: row.client_id,
    name: row.name,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as IdpClientAuthMethod,
    applicationType: row.application_type === 'native' ? 'native' : 'web',
    redirectUris: readList(dialect, row.redirect_uris),
    postLogoutRedirectUris: readList(dialect, row.post_logout_redirect_uris),
    grantTypes: readList(dialect, row.grant_types),
    jwks: row.jwks === null ? null : fromJson(dialect, row.jwks),
    hasSecret: row.secret_hash !== null,
    firstParty: bool(row.first_party),
    enabled: bool(row.enabled),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

/** Builds the client repository over a context. */
export function createIdpClientRepository(context: RepositoryContext): IdpClientRepository {
  const { db, dialect, clock } = context

  const fromRow = (row: Selectable<IdpClientTable>) => clientFromRow(dialect, row)

  // The token endpoint reads a client per request: compiled once.
  const byId = prepareQuery(db, 1, (db, clientId) =>
    db.selectFrom('idp_client').selectAll().where('client_id', '=', clientId!),
  )

  async function get(clientId: string) {
    const row = (await byId(clientId))[0]
    return row ? fromRow(row) : undefined
  }

  return {
    async create(input) {
      checkText('clientId', input.clientId, 256)
      checkInput(input)
      const now = nowMs(clock)
      await guardWrite(
        () =>
          db
            .insertInto('idp_client')
            .values({
              client_id: input.clientId,
              name: input.name,
              secret_hash: input.secretHash ?? null,
              jwks: input.jwks ? toJson(input.jwks) : null,
              token_endpoint_auth_method: input.tokenEndpointAuthMethod,
              application_type: input.applicationType ?? 'web',
              redirect_uris: writeList(input.redirectUris ?? []),
              post_logout_redirect_uris: writeList(input.postLogoutRedirectUris ?? []),
              grant_types: writeList(input.grantTypes),
              first_party: int(input.firstParty ?? false),
              enabled: int(input.enabled ?? true),
              created_at: now,
              updated_at: now,
            })
            .execute(),
        `a client with client_id "${input.clientId}" already exists`,
      )
      return (await get(input.clientId))!
    },
    get,
    async secretHash(clientId) {
      const row = await db
        .selectFrom('idp_client')
        .select('secret_hash')
        .where('client_id', '=', clientId)
        .executeTakeFirst()
      return row === undefined ? undefined : row.secret_hash
    },
    async withSecretHash(clientId) {
      const row = (await byId(clientId))[0]
      return row ? { client: fromRow(row), secretHash: row.secret_hash } : undefined
    },
    async list() {
      return (await db.selectFrom('idp_client').selectAll().orderBy('client_id').execute()).map(fromRow)
    },
    async update(clientId, patch) {
      checkInput(patch)
      const set: Updateable<IdpClientTable> = { updated_at: nowMs(clock) }
      if (patch.name !== undefined) set.name = patch.name
      if (patch.secretHash !== undefined) set.secret_hash = patch.secretHash
      if (patch.jwks !== undefined) set.jwks = patch.jwks === null ? null : toJson(patch.jwks)
      if (patch.tokenEndpointAuthMethod !== undefined) set.token_endpoint_auth_method = patch.tokenEndpointAuthMethod
      if (patch.applicationType !== undefined) set.application_type = patch.applicationType
      if (patch.redirectUris !== undefined) set.redirect_uris = writeList(patch.redirectUris)
      if (patch.postLogoutRedirectUris !== undefined) {
        set.post_logout_redirect_uris = writeList(patch.postLogoutRedirectUris)
      }
      if (patch.grantTypes !== undefined) set.grant_types = writeList(patch.grantTypes)
      if (patch.firstParty !== undefined) set.first_party = int(patch.firstParty)
      if (patch.enabled !== undefined) set.enabled = int(patch.enabled)
      const result = await db.updateTable('idp_client').set(set).where('client_id', '=', clientId).executeTakeFirst()
      return Number(result.numUpdatedRows) === 0 ? undefined : get(clientId)
    },
    async delete(clientId) {
      const result = await db.deleteFrom('idp_client').where('client_id', '=', clientId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
