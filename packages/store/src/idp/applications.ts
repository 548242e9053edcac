/**
 * Resource applications: a SaaS vendor's resource authorization server (RAS), known by its issuer identifier and
 * optional aliases, the MCP resources it governs with the scopes each offers, and per IdP client the `client_id`
 * that client has at this RAS (the "two client ids").
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) (audience, resource), 2(c) client_id, checklist #6 and #9
 */
import type { Selectable, Updateable } from 'kysely'
import { nowMs } from '../clock.js'
import { StoreError } from '../errors.js'
import type { RepositoryContext } from '../internal/context.js'
import type { IdpApplicationTable, IdpResourceTable } from '../schema.js'
import { bool, checkStrings, checkText, guardWrite, int, newId, readList, writeList } from './internal.js'

/** A resource application (a RAS). */
export interface IdpApplication {
  id: string
  name: string
  /** The RAS issuer identifier: always the `aud` of the ID-JAGs for it. */
  issuer: string
  /** Other values a client may send as `audience`, resolved to `issuer`. */
  aliases: string[]
  /** Put `email` in ID-JAGs for this application (claim minimisation otherwise, checklist #12). */
  includeEmail: boolean
  createdAt: number
  updatedAt: number
}

/** An MCP resource governed by an application. */
export interface IdpResource {
  applicationId: string
  /** The RFC 9728 resource identifier of the MCP server. */
  uri: string
  name: string | null
  /** Scopes this resource offers. */
  scopes: string[]
}

/** Applications, their aliases, resources and per-client ids. */
export interface IdpApplicationRepository {
  create(input: {
    id?: string
    name: string
    issuer: string
    aliases?: string[]
    includeEmail?: boolean
  }): Promise<IdpApplication>
  get(id: string): Promise<IdpApplication | undefined>
  list(): Promise<IdpApplication[]>
  update(id: string, patch: { name?: string; includeEmail?: boolean }): Promise<IdpApplication | undefined>
  delete(id: string): Promise<boolean>
  /** The application whose issuer, or one of whose aliases, equals `audience` exactly. */
  resolveAudience(audience: string): Promise<IdpApplication | undefined>
  addAlias(id: string, alias: string): Promise<void>
  removeAlias(id: string, alias: string): Promise<boolean>
  /** Adds or replaces a resource of the application. */
  putResource(id: string, resource: { uri: string; name?: string | null; scopes: string[] }): Promise<IdpResource>
  removeResource(id: string, uri: string): Promise<boolean>
  resources(id: string): Promise<IdpResource[]>
  /** Sets the `client_id` IdP client `clientId` has at this application's RAS. */
  setClientId(id: string, clientId: string, rasClientId: string): Promise<void>
  removeClientId(id: string, clientId: string): Promise<boolean>
  /** The `client_id` of `clientId` at this RAS, if mapped. */
  clientIdAt(id: string, clientId: string): Promise<string | undefined>
  /** Every mapping of this application: IdP client id to RAS client id. */
  clientIds(id: string): Promise<{ clientId: string; rasClientId: string }[]>
}

/** Builds the application repository over a context. */
export function createIdpApplicationRepository(context: RepositoryContext): IdpApplicationRepository {
  const { db, dialect, clock } = context

  async function aliasesOf(id: string): Promise<string[]> {
    const rows = await db.selectFrom('idp_application_alias').select('alias').where('application_id', '=', id).execute()
    return rows.map((r) => r.alias).sort()
  }

  async function fromRow(row: Selectable<IdpApplicationTable>): Promise<IdpApplication> {
    return {
      id: row.id,
      name: row.name,
      issuer: row.issuer,
      aliases: await aliasesOf(row.id),
      includeEmail: bool(row.include_email),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }
  }

  function resourceFromRow(row: Selectable<IdpResourceTable>): IdpResource {
    return { applicationId: row.application_id, uri: row.uri, name: row.name, scopes: readList(dialect, row.scopes) }
  }

  async function get(id: string) {
    const row = await db.selectFrom('idp_application').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? fromRow(row) : undefined
  }

  // Issuers and aliases share one namespace, so that an audience resolves to at most one application.
  async function assertAudienceFree(value: string): Promise<void> {
    const taken =
      (await db.selectFrom('idp_application').select('id').where('issuer', '=', value).executeTakeFirst()) ??
      (await db.selectFrom('idp_application_alias').select('alias').where('alias', '=', value).executeTakeFirst())
    if (taken) throw new StoreError('ERR_STORE_CONFLICT', `"${value}" already names an application`)
  }

  async function addAlias(id: string, alias: string) {
    checkText('alias', alias, 2048)
    await assertAudienceFree(alias)
    await guardWrite(
      () => db.insertInto('idp_application_alias').values({ alias, application_id: id }).execute(),
      `"${alias}" already names an application`,
      'the application',
    )
  }

  return {
    async create(input) {
      checkText('application name', input.name, 256)
      checkText('issuer', input.issuer, 2048)
      if (input.aliases !== undefined) checkStrings('aliases', input.aliases, 2048)
      await assertAudienceFree(input.issuer)
      const now = nowMs(clock)
      const id = input.id ?? newId()
      await guardWrite(
        () =>
          db
            .insertInto('idp_application')
            .values({
              id,
              name: input.name,
              issuer: input.issuer,
              include_email: int(input.includeEmail ?? false),
              created_at: now,
              updated_at: now,
            })
            .execute(),
        `an application with issuer "${input.issuer}" or this id already exists`,
      )
      for (const alias of new Set(input.aliases ?? [])) await addAlias(id, alias)
      return (await get(id))!
    },
    get,
    async list() {
      const rows = await db.selectFrom('idp_application').selectAll().orderBy('name').execute()
      return Promise.all(rows.map(fromRow))
    },
    async update(id, patch) {
      if (patch.name !== undefined) checkText('application name', patch.name, 256)
      const set: Updateable<IdpApplicationTable> = { updated_at: nowMs(clock) }
      if (patch.name !== undefined) set.name = patch.name
      if (patch.includeEmail !== undefined) set.include_email = int(patch.includeEmail)
      const result = await db.updateTable('idp_application').set(set).where('id', '=', id).executeTakeFirst()
      return Number(result.numUpdatedRows) === 0 ? undefined : get(id)
    },
    async delete(id) {
      for (const table of ['idp_application_alias', 'idp_resource', 'idp_application_client'] as const) {
        await db.deleteFrom(table).where('application_id', '=', id).execute()
      }
      await db.deleteFrom('idp_connection').where('application_id', '=', id).execute()
      const result = await db.deleteFrom('idp_application').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async resolveAudience(audience) {
      const byIssuer = await db
        .selectFrom('idp_application')
        .selectAll()
        .where('issuer', '=', audience)
        .executeTakeFirst()
      if (byIssuer) return fromRow(byIssuer)
      const alias = await db
        .selectFrom('idp_application_alias')
        .select('application_id')
        .where('alias', '=', audience)
        .executeTakeFirst()
      return alias ? get(alias.application_id) : undefined
    },
    addAlias,
    async removeAlias(id, alias) {
      const result = await db
        .deleteFrom('idp_application_alias')
        .where('application_id', '=', id)
        .where('alias', '=', alias)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async putResource(id, resource) {
      checkText('resource uri', resource.uri, 2048)
      checkStrings('scopes', resource.scopes, 256)
      const values = { name: resource.name ?? null, scopes: writeList(resource.scopes) }
      await guardWrite(
        () =>
          db
            .insertInto('idp_resource')
            .values({ application_id: id, uri: resource.uri, created_at: nowMs(clock), ...values })
            .onConflict((oc) => oc.columns(['application_id', 'uri']).doUpdateSet(values))
            .execute(),
        'resource already exists',
        'the application',
      )
      return { applicationId: id, uri: resource.uri, name: values.name, scopes: [...new Set(resource.scopes)] }
    },
    async removeResource(id, uri) {
      const result = await db
        .deleteFrom('idp_resource')
        .where('application_id', '=', id)
        .where('uri', '=', uri)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async resources(id) {
      const rows = await db
        .selectFrom('idp_resource')
        .selectAll()
        .where('application_id', '=', id)
        .orderBy('uri')
        .execute()
      return rows.map(resourceFromRow)
    },
    async setClientId(id, clientId, rasClientId) {
      checkText('rasClientId', rasClientId, 2048)
      await guardWrite(
        () =>
          db
            .insertInto('idp_application_client')
            .values({ application_id: id, client_id: clientId, ras_client_id: rasClientId })
            .onConflict((oc) => oc.columns(['application_id', 'client_id']).doUpdateSet({ ras_client_id: rasClientId }))
            .execute(),
        'mapping already exists',
        'the application or the client',
      )
    },
    async removeClientId(id, clientId) {
      const result = await db
        .deleteFrom('idp_application_client')
        .where('application_id', '=', id)
        .where('client_id', '=', clientId)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async clientIdAt(id, clientId) {
      const row = await db
        .selectFrom('idp_application_client')
        .select('ras_client_id')
        .where('application_id', '=', id)
        .where('client_id', '=', clientId)
        .executeTakeFirst()
      return row?.ras_client_id
    },
    async clientIds(id) {
      const rows = await db
        .selectFrom('idp_application_client')
        .select(['client_id', 'ras_client_id'])
        .where('application_id', '=', id)
        .orderBy('client_id')
        .execute()
      return rows.map((r) => ({ clientId: r.client_id, rasClientId: r.ras_client_id }))
    },
  }
}
