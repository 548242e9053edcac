/** Users, groups and memberships. Disabling a user revokes their sessions, grants and tokens at once. */
import type { IdpGroup, IdpUser, IdpUserStatus } from '@openxaa/store'
import { hashPassword } from '../../directory/password.js'
import { type AdminContext, audited } from '../context.js'
import { found } from '../errors.js'

/** Fields of a new user; the password is hashed here and never stored or logged as given. */
export interface NewUser {
  username: string
  email?: string | null
  emailVerified?: boolean
  name?: string | null
  password?: string
  roles?: string[]
}

/** Fields an admin may change on a user. */
export interface UserChanges {
  email?: string | null
  emailVerified?: boolean
  name?: string | null
  password?: string
  roles?: string[]
}

/** Creates a user; the password is hashed with scrypt. */
export async function createUser(ctx: AdminContext, input: NewUser): Promise<IdpUser> {
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password, ctx.passwordHashCost)
  return audited(
    ctx,
    (tx) =>
      tx.idp.users.create({
        username: input.username,
        email: input.email ?? null,
        emailVerified: input.emailVerified ?? false,
        name: input.name ?? null,
        passwordHash,
        roles: input.roles ?? [],
      }),
    (user) => ({ action: 'admin.user.create', userId: user.id, data: { username: user.username, roles: user.roles } }),
  )
}

/** Changes a user's profile, roles or password (status: {@link setUserStatus}). */
export async function updateUser(ctx: AdminContext, id: string, changes: UserChanges): Promise<IdpUser> {
  const { password, ...rest } = changes
  const passwordHash = password === undefined ? undefined : await hashPassword(password, ctx.passwordHashCost)
  return audited(
    ctx,
    async (tx) => found(await tx.idp.users.update(id, { ...rest, ...(passwordHash ? { passwordHash } : {}) }), 'user'),
    (user) => ({
      action: 'admin.user.update',
      userId: user.id,
      data: { fields: Object.keys(changes).map((k) => (k === 'password' ? 'password (changed)' : k)) },
    }),
  )
}

/**
 * Sets a user's status; disabling also ends every session and revokes every grant and token of theirs. Returns the
 * user and how many sessions, grants and tokens were revoked (the effect an administrator is shown).
 */
export async function changeUserStatus(
  ctx: AdminContext,
  id: string,
  status: IdpUserStatus,
): Promise<{ user: IdpUser; revoked: number }> {
  const user = await audited(
    ctx,
    async (tx) => found(await tx.idp.users.update(id, { status }), 'user'),
    (u) => ({ action: status === 'disabled' ? 'admin.user.disable' : 'admin.user.enable', userId: u.id }),
  )
  let revoked = 0
  if (status === 'disabled') {
    revoked = await ctx.store.oidc.revokeByAccountId(id)
    await ctx.store.audit.append({
      actor: ctx.actor,
      action: 'admin.user.revoke_sessions',
      decision: 'change',
      userId: id,
      data: { revoked },
    })
  }
  return { user, revoked }
}

/** Sets a user's status (see {@link changeUserStatus}); returns the user. */
export async function setUserStatus(ctx: AdminContext, id: string, status: IdpUserStatus): Promise<IdpUser> {
  return (await changeUserStatus(ctx, id, status)).user
}

/** A user with the groups they belong to. */
export async function getUser(ctx: AdminContext, id: string) {
  const user = found(await ctx.store.idp.users.get(id), 'user')
  const groups = await ctx.store.idp.groups.groupsOf(id)
  return { ...user, groups: groups.map((g) => ({ id: g.id, name: g.name })) }
}

/** A user by id, or else by username (for the CLI). */
export async function resolveUser(ctx: AdminContext, idOrUsername: string): Promise<IdpUser> {
  return found(
    (await ctx.store.idp.users.get(idOrUsername)) ?? (await ctx.store.idp.users.findByUsername(idOrUsername)),
    'user',
  )
}

/** Creates a group. */
export function createGroup(
  ctx: AdminContext,
  input: { name: string; description?: string | null },
): Promise<IdpGroup> {
  return audited(
    ctx,
    (tx) => tx.idp.groups.create(input),
    (g) => ({ action: 'admin.group.create', data: { groupId: g.id, name: g.name } }),
  )
}

/** Deletes a group and its memberships. */
export async function deleteGroup(ctx: AdminContext, id: string): Promise<void> {
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.groups.delete(id))) found(undefined, 'group')
    },
    () => ({ action: 'admin.group.delete', data: { groupId: id } }),
  )
}

/** A group by id, or else by name (for the CLI). */
export async function resolveGroup(ctx: AdminContext, idOrName: string): Promise<IdpGroup> {
  return found((await ctx.store.idp.groups.get(idOrName)) ?? (await ctx.store.idp.groups.findByName(idOrName)), 'group')
}

/** Adds a user to a group (idempotent). */
export async function addMember(ctx: AdminContext, groupId: string, userId: string): Promise<void> {
  await audited(
    ctx,
    async (tx) => {
      found(await tx.idp.groups.get(groupId), 'group')
      found(await tx.idp.users.get(userId), 'user')
      await tx.idp.groups.addMember(groupId, userId)
    },
    () => ({ action: 'admin.membership.add', userId, data: { groupId } }),
  )
}

/** Removes a user from a group. */
export async function removeMember(ctx: AdminContext, groupId: string, userId: string): Promise<void> {
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.groups.removeMember(groupId, userId))) found(undefined, 'membership')
    },
    () => ({ action: 'admin.membership.remove', userId, data: { groupId } }),
  )
}
