import { operations as ops } from '../../admin/administration.js'
import { type Command, json, list, password } from './command.js'

/** Users, groups and memberships. */
export const DIRECTORY_COMMANDS: Record<string, Command> = {
  'user add': {
    usage:
      'user add <username> [--email <e>] [--email-verified] [--name <n>] [--admin] [--role <r>]... [--password-stdin]',
    description: 'Create a user. The password comes from standard input (--password-stdin) or OPENXAA_USER_PASSWORD.',
    options: {
      email: { type: 'string' },
      'email-verified': { type: 'boolean' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      role: { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean' },
    },
    positionals: 1,
    async run(ctx, v, [username], io) {
      const roles = [...list(v.role), ...(v.admin ? ['admin'] : [])]
      const pw = await password(v, io)
      const user = await ops.createUser(ctx, {
        username: username!,
        email: (v.email as string | undefined) ?? null,
        emailVerified: Boolean(v['email-verified']),
        name: (v.name as string | undefined) ?? null,
        roles,
        ...(pw === undefined ? {} : { password: pw }),
      })
      io.out(
        `user ${user.username} created: id ${user.id}${pw === undefined ? ' (no password: cannot sign in yet)' : ''}`,
      )
    },
  },
  'user disable': {
    usage: 'user disable <user>',
    description: 'Disable a user (id or username): ends their sessions, revokes their tokens, stops issuance at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [who], io) {
      const user = await ops.setUserStatus(ctx, (await ops.resolveUser(ctx, who!)).id, 'disabled')
      io.out(`user ${user.username} disabled; sessions and tokens revoked`)
    },
  },
  'user enable': {
    usage: 'user enable <user>',
    description: 'Enable a disabled user (id or username).',
    options: {},
    positionals: 1,
    async run(ctx, _v, [who], io) {
      const user = await ops.setUserStatus(ctx, (await ops.resolveUser(ctx, who!)).id, 'active')
      io.out(`user ${user.username} enabled`)
    },
  },
  'user list': {
    usage: 'user list [--json]',
    description: 'List users.',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const users = await ctx.store.idp.users.list()
      if (v.json) return json(io, users)
      for (const u of users)
        io.out(`${u.id}  ${u.username}  ${u.status}  ${u.email ?? '-'}  ${u.roles.join(',') || '-'}`)
    },
  },
  'group add': {
    usage: 'group add <name> [--description <d>]',
    description: 'Create a group.',
    options: { description: { type: 'string' } },
    positionals: 1,
    async run(ctx, v, [name], io) {
      const group = await ops.createGroup(ctx, {
        name: name!,
        description: (v.description as string | undefined) ?? null,
      })
      io.out(`group ${group.name} created: id ${group.id}`)
    },
  },
  'group list': {
    usage: 'group list [--json]',
    description: 'List groups with their members (usernames).',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const [groups, users] = await Promise.all([ctx.store.idp.groups.list(), ctx.store.idp.users.list()])
      const username = new Map(users.map((u) => [u.id, u.username]))
      const rows = await Promise.all(
        groups.map(async (g) => ({
          ...g,
          members: (await ctx.store.idp.groups.members(g.id)).map((id) => username.get(id) ?? id),
        })),
      )
      if (v.json) return json(io, rows)
      for (const g of rows) io.out(`${g.id}  ${g.name}  members: ${g.members.join(',') || '-'}`)
    },
  },
  'group remove': {
    usage: 'group remove <group>',
    description: 'Delete a group (id or name); connections that named it stop reaching its former members at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [g], io) {
      const group = await ops.resolveGroup(ctx, g!)
      await ops.deleteGroup(ctx, group.id)
      io.out(`group ${group.name} deleted`)
    },
  },
  'member add': {
    usage: 'member add <group> <user>',
    description: 'Add a user (id or username) to a group (id or name).',
    options: {},
    positionals: 2,
    async run(ctx, _v, [g, u], io) {
      const group = await ops.resolveGroup(ctx, g!)
      const user = await ops.resolveUser(ctx, u!)
      await ops.addMember(ctx, group.id, user.id)
      io.out(`${user.username} is a member of ${group.name}`)
    },
  },
  'member remove': {
    usage: 'member remove <group> <user>',
    description: 'Remove a user (id or username) from a group (id or name); connections through it stop at once.',
    options: {},
    positionals: 2,
    async run(ctx, _v, [g, u], io) {
      const group = await ops.resolveGroup(ctx, g!)
      const user = await ops.resolveUser(ctx, u!)
      await ops.removeMember(ctx, group.id, user.id)
      io.out(`${user.username} is no longer a member of ${group.name}`)
    },
  },
}
