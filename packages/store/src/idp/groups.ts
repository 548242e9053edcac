/** IdP groups and memberships: managed connections name groups, never users one by one. */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { IdpGroupTable } from '../schema.js'
import { checkText, guardWrite, newId } from './internal.js'

/** A group of users. */
export interface IdpGroup {
  id: string
  name: string
  description: string | null
  createdAt: number
}

/** Groups and who is in them. */
export interface IdpGroupRepository {
  create(input: { id?: string; name: string; description?: string | null }): Promise<IdpGroup>
  get(id: string): Promise<IdpGroup | undefined>
  findByName(name: string): Promise<IdpGroup | undefined>
  list(): Promise<IdpGroup[]>
  /** Deletes the group and its memberships; false when it did not exist. */
  delete(id: string): Promise<boolean>
  /** Adds a member; idempotent. A {@link StoreError} `ERR_STORE_NOT_FOUND` when the group or user is unknown. */
  addMember(groupId: string, userId: string): Promise<void>
  /** Removes a member; false when they were not one. */
  removeMember(groupId: string, userId: string): Promise<boolean>
  /** User ids of the members. */
  members(groupId: string): Promise<string[]>
  /** The groups a user belongs to. */
  groupsOf(userId: string): Promise<IdpGroup[]>
}

function fromRow(row: Selectable<IdpGroupTable>): IdpGroup {
  return { id: row.id, name: row.name, description: row.description, createdAt: Number(row.created_at) }
}

/** Builds the group repository over a context. */
export function createIdpGroupRepository(context: RepositoryContext): IdpGroupRepository {
  const { db, clock } = context

  async function get(id: string) {
    const row = await db.selectFrom('idp_group').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? fromRow(row) : undefined
  }

  return {
    async create(input) {
      checkText('group name', input.name, 256)
      const row = {
        id: input.id ?? newId(),
        name: input.name,
        description: input.description ?? null,
        created_at: nowMs(clock),
      }
      await guardWrite(
        () => db.insertInto('idp_group').values(row).execute(),
        `a group named "${input.name}" already exists`,
      )
      return fromRow(row)
    },
    get,
    async findByName(name) {
      const row = await db.selectFrom('idp_group').selectAll().where('name', '=', name).executeTakeFirst()
      return row ? fromRow(row) : undefined
    },
    async list() {
      return (await db.selectFrom('idp_group').selectAll().orderBy('name').execute()).map(fromRow)
    },
    async delete(id) {
      await db.deleteFrom('idp_membership').where('group_id', '=', id).execute()
      const result = await db.deleteFrom('idp_group').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async addMember(groupId, userId) {
      await guardWrite(
        () =>
          db
            .insertInto('idp_membership')
            .values({ group_id: groupId, user_id: userId, created_at: nowMs(clock) })
            .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
            .execute(),
        'membership already exists',
        'the group or the user',
      )
    },
    async removeMember(groupId, userId) {
      const result = await db
        .deleteFrom('idp_membership')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async members(groupId) {
      const rows = await db.selectFrom('idp_membership').select('user_id').where('group_id', '=', groupId).execute()
      return rows.map((r) => r.user_id).sort()
    },
    async groupsOf(userId) {
      const rows = await db
        .selectFrom('idp_group')
        .innerJoin('idp_membership', 'idp_membership.group_id', 'idp_group.id')
        .selectAll('idp_group')
        .where('idp_membership.user_id', '=', userId)
        .orderBy('idp_group.name')
        .execute()
      return rows.map(fromRow)
    },
  }
}
