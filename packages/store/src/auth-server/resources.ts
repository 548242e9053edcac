/**
 * Resources: the MCP servers this AS issues tokens for, by canonical URI (RFC 8707 / RFC 9728 `resource`), with
 * the scopes each one defines.
 * @see ../../../../shared/spec/xaa-protocol.md 2(d) steps 12 and 13, checklist #21 and #22
 */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { prepareQuery } from '../internal/prepared.js'
import type { AsResourceTable } from '../schema.js'
import type { AsResource } from './types.js'
import { checkHttpsUrl, checkScopes, checkText, conflictAs } from './validate.js'

/** Resources of the resource AS. */
export interface AsResourceRepository {
  /** Registers a resource; `ERR_STORE_CONFLICT` when the URI is taken. */
  create(input: { uri: string; name?: string; scopes: readonly string[] }): Promise<AsResource>
  /** Exact match on the canonical URI (no normalisation: an identifier is compared as a string). */
  get(uri: string): Promise<AsResource | undefined>
  list(): Promise<AsResource[]>
  /** Replaces the scopes (and name); undefined when no such resource. */
  update(uri: string, patch: { name?: string; scopes?: readonly string[] }): Promise<AsResource | undefined>
}

/** Maps a stored row (store-internal: the redemption read maps the same columns). */
export function fromRow(dialect: RepositoryContext['dialect'], row: Selectable<AsResourceTable>): AsResource {
  return {
    uri: row.uri,
    name: row.name,
    scopes: fromJson<string[]>(dialect, row.scopes),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

/** Builds the resource repository over a context. */
export function createAsResourceRepository(context: RepositoryContext): AsResourceRepository {
  const { db, dialect, clock } = context
  const byUri = prepareQuery(db, 1, (db, uri) => db.selectFrom('as_resource').selectAll().where('uri', '=', uri!))
  const read = async (uri: string) => {
    const row = (await byUri(uri))[0]
    return row && fromRow(dialect, row)
  }
  return {
    async create(input) {
      checkHttpsUrl('resource uri', input?.uri)
      checkScopes('resource scopes', input.scopes)
      const name = input.name ?? input.uri
      checkText('resource name', name)
      const now = nowMs(clock)
      const row = { uri: input.uri, name, scopes: toJson([...input.scopes]), created_at: now, updated_at: now }
      await conflictAs(`resource "${input.uri}"`, () => db.insertInto('as_resource').values(row).execute())
      return (await read(input.uri))!
    },
    get: read,
    async list() {
      const rows = await db.selectFrom('as_resource').selectAll().orderBy('uri').execute()
      return rows.map((row) => fromRow(dialect, row))
    },
    async update(uri, patch) {
      if (patch.scopes !== undefined) checkScopes('resource scopes', patch.scopes)
      if (patch.name !== undefined) checkText('resource name', patch.name)
      await db
        .updateTable('as_resource')
        .set({
          ...(patch.scopes === undefined ? {} : { scopes: toJson([...patch.scopes]) }),
          ...(patch.name === undefined ? {} : { name: patch.name }),
          updated_at: nowMs(clock),
        })
        .where('uri', '=', uri)
        .execute()
      return read(uri)
    },
  }
}
