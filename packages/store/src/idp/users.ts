/**
 * IdP users: the directory the IdP signs people in from. The id is the stable OIDC `sub`; a disabled user can
 * neither sign in nor be issued anything.
 */
import type { Selectable, Updateable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import type { IdpUserTable, SqlDialect } from '../schema.js'
import { bool, checkStrings, checkText, guardWrite, int, newId, readList, writeList } from './internal.js'

/** Whether a user may sign in and be issued tokens. */
export type IdpUserStatus = 'active' | 'disabled'

/** A user as the IdP sees it; the password hash is only read through {@link IdpUserRepository.credentials}. */
export interface IdpUser {
  /** Stable id, used as the OIDC `sub` and in ID-JAGs. */
  id: string
  username: string
  email: string | null
  emailVerified: boolean
  name: string | null
  status: IdpUserStatus
  /** e.g. `admin` (may use the admin API). */
  roles: string[]
  /** True when a password is set. */
  hasPassword: boolean
  createdAt: number
  updatedAt: number
}

/** Fields of a new user. */
export interface IdpUserInput {
  id?: string
  username: string
  email?: string | null
  emailVerified?: boolean
  name?: string | null
  /** Already hashed by the caller (the IdP hashes with scrypt). */
  passwordHash?: string | null
  status?: IdpUserStatus
  roles?: string[]
}

/** Fields an update may change. */
export type IdpUserPatch = Partial<Omit<IdpUserInput, 'id'>>

/** Users of the IdP directory. */
export interface IdpUserRepository {
  create(input: IdpUserInput): Promise<IdpUser>
  get(id: string): Promise<IdpUser | undefined>
  findByUsername(username: string): Promise<IdpUser | undefined>
  /** The user and their password hash, for sign-in only. */
  credentials(username: string): Promise<{ user: IdpUser; passwordHash: string | null } | undefined>
  list(filter?: { status?: IdpUserStatus; limit?: number; offset?: number }): Promise<IdpUser[]>
  /** Applies `patch`; undefined when the user does not exist. */
  update(id: string, patch: IdpUserPatch): Promise<IdpUser | undefined>
}

const STATUSES: readonly IdpUserStatus[] = ['active', 'disabled']

function checkStatus(status: unknown): asserts status is IdpUserStatus {
  if (!STATUSES.includes(status as IdpUserStatus)) throw new TypeError('user status must be active or disabled')
}

/** A user row as an {@link IdpUser} (the password hash stays out). */
export function userFromRow(dialect: SqlDialect, row: Selectable<IdpUserTable>): IdpUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: bool(row.email_verified),
    name: row.name,
    status: row.status as IdpUserStatus,
    roles: readList(dialect, row.roles),
    hasPassword: row.password_hash !== null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

/** Builds the user repository over a context. */
export function createIdpUserRepository(context: RepositoryContext): IdpUserRepository {
  const { db, dialect, clock } = context

  const fromRow = (row: Selectable<IdpUserTable>) => userFromRow(dialect, row)

  async function get(id: string) {
    const row = await db.selectFrom('idp_user').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? fromRow(row) : undefined
  }

  return {
    async create(input) {
      checkText('username', input.username, 256)
      if (input.status !== undefined) checkStatus(input.status)
      if (input.roles !== undefined) checkStrings('roles', input.roles, 64)
      const now = nowMs(clock)
      const row = {
        id: input.id ?? newId(),
        username: input.username,
        email: input.email ?? null,
        email_verified: int(input.emailVerified ?? false),
        name: input.name ?? null,
        password_hash: input.passwordHash ?? null,
        status: input.status ?? 'active',
        roles: writeList(input.roles ?? []),
        created_at: now,
        updated_at: now,
      }
      checkText('id', row.id, 256)
      await guardWrite(
        () => db.insertInto('idp_user').values(row).execute(),
        `a user with username "${input.username}" or this id already exists`,
      )
      return (await get(row.id))!
    },
    get,
    async findByUsername(username) {
      const row = await db.selectFrom('idp_user').selectAll().where('username', '=', username).executeTakeFirst()
      return row ? fromRow(row) : undefined
    },
    async credentials(username) {
      const row = await db.selectFrom('idp_user').selectAll().where('username', '=', username).executeTakeFirst()
      return row ? { user: fromRow(row), passwordHash: row.password_hash } : undefined
    },
    async list(filter = {}) {
      let q = db.selectFrom('idp_user').selectAll().orderBy('username')
      if (filter.status !== undefined) q = q.where('status', '=', filter.status)
      q = q.limit(filter.limit ?? 500).offset(filter.offset ?? 0)
      return (await q.execute()).map(fromRow)
    },
    async update(id, patch) {
      if (patch.status !== undefined) checkStatus(patch.status)
      if (patch.roles !== undefined) checkStrings('roles', patch.roles, 64)
      if (patch.username !== undefined) checkText('username', patch.username, 256)
      const set: Updateable<IdpUserTable> = { updated_at: nowMs(clock) }
      if (patch.username !== undefined) set.username = patch.username
      if (patch.email !== undefined) set.email = patch.email
      if (patch.emailVerified !== undefined) set.email_verified = int(patch.emailVerified)
      if (patch.name !== undefined) set.name = patch.name
      if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash
      if (patch.status !== undefined) set.status = patch.status
      if (patch.roles !== undefined) set.roles = writeList(patch.roles)
      const result = await guardWrite(
        () => db.updateTable('idp_user').set(set).where('id', '=', id).executeTakeFirst(),
        `username "${patch.username}" is already taken`,
      )
      return Number(result.numUpdatedRows) === 0 ? undefined : get(id)
    },
  }
}
