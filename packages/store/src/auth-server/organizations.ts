/** Organizations: the vendor's enterprise customers; every issuer trust and account belongs to one. */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { AsOrganizationTable } from '../schema.js'
import type { Organization } from './types.js'
import { checkSlug, checkText, conflictAs } from './validate.js'

/** Organizations of the resource AS. */
export interface OrganizationRepository {
  /** Creates one; `ERR_STORE_CONFLICT` when the id is taken. */
  create(input: { id: string; name?: string }): Promise<Organization>
  get(id: string): Promise<Organization | undefined>
  /** All organizations, by id. */
  list(): Promise<Organization[]>
}

function fromRow(row: Selectable<AsOrganizationTable>): Organization {
  return { id: row.id, name: row.name, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) }
}

/** Builds the organization repository over a context. */
export function createOrganizationRepository({ db, clock }: RepositoryContext): OrganizationRepository {
  return {
    async create(input) {
      checkSlug('organization id', input?.id)
      const name = input.name ?? input.id
      checkText('organization name', name)
      const now = nowMs(clock)
      const row = { id: input.id, name, created_at: now, updated_at: now }
      await conflictAs(`organization "${input.id}"`, () => db.insertInto('as_organization').values(row).execute())
      return fromRow(row)
    },
    async get(id) {
      const row = await db.selectFrom('as_organization').selectAll().where('id', '=', id).executeTakeFirst()
      return row && fromRow(row)
    },
    async list() {
      return (await db.selectFrom('as_organization').selectAll().orderBy('id').execute()).map(fromRow)
    },
  }
}
