import { IDP_BLOCK_KINDS, type IdpBlockKind, userConnectionTarget } from '@openxaa/store'
import { operations as ops } from '../../admin/administration.js'
import { UsageError } from '../io.js'
import { type Command, json, list, time } from './command.js'

/** `<connection id>:<user id or username>` to the block target `<connection id>:<user id>`. */
async function userConnection(ctx: Parameters<Command['run']>[0], target: string): Promise<string> {
  const at = target.indexOf(':')
  if (at <= 0) throw new UsageError('a user_connection target is <connection id>:<user id or username>')
  const user = await ops.resolveUser(ctx, target.slice(at + 1))
  return userConnectionTarget(target.slice(0, at), user.id)
}

/** Managed connections and blocks. */
export const POLICY_COMMANDS: Record<string, Command> = {
  'connection add': {
    usage:
      'connection add --client <c> --app <a> --resource <uri> --group <g>... --scope <s>... --consent-by <who> [--max-auth-age <seconds>] [--disabled]',
    description:
      'Allow a client to reach a resource for members of groups, with at most these scopes; records who consented for the organization.',
    options: {
      client: { type: 'string' },
      app: { type: 'string' },
      resource: { type: 'string' },
      group: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      'consent-by': { type: 'string' },
      'max-auth-age': { type: 'string' },
      disabled: { type: 'boolean' },
    },
    positionals: 0,
    async run(ctx, v, _a, io) {
      for (const name of ['client', 'app', 'resource', 'consent-by'])
        if (!v[name]) throw new UsageError(`--${name} is required`)
      const app = await ops.resolveApplication(ctx, String(v.app))
      const groups = await Promise.all(list(v.group).map((g) => ops.resolveGroup(ctx, g)))
      const maxAge = v['max-auth-age'] === undefined ? null : Number(v['max-auth-age'])
      if (maxAge !== null && !Number.isSafeInteger(maxAge)) throw new UsageError('--max-auth-age must be whole seconds')
      const c = await ops.createConnection(ctx, {
        clientId: String(v.client),
        applicationId: app.id,
        resource: String(v.resource),
        groups: groups.map((g) => g.id),
        scopes: list(v.scope),
        enabled: !v.disabled,
        maxAuthAge: maxAge,
        consentGrantedBy: String(v['consent-by']),
      })
      io.out(`connection ${c.id} created (${c.enabled ? 'enabled' : 'disabled'})`)
    },
  },
  'connection enable': {
    usage: 'connection enable <connection-id>',
    description: 'Enable a managed connection.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [id], io) {
      await ops.updateConnection(ctx, id!, { enabled: true })
      io.out(`connection ${id} enabled`)
    },
  },
  'connection disable': {
    usage: 'connection disable <connection-id>',
    description: 'Disable a managed connection: issuance under it stops at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [id], io) {
      await ops.updateConnection(ctx, id!, { enabled: false })
      io.out(`connection ${id} disabled`)
    },
  },
  'connection update': {
    usage: 'connection update <connection-id> [--group <g>]... [--scope <s>]... [--max-auth-age <seconds>|none]',
    description:
      'Replace the groups or the scopes of a managed connection, or its maximum authentication age; ' +
      'narrowing applies to the next exchange.',
    options: {
      group: { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      'max-auth-age': { type: 'string' },
    },
    positionals: 1,
    async run(ctx, v, [id], io) {
      const changes: Parameters<typeof ops.updateConnection>[2] = {}
      if (v.group !== undefined) {
        changes.groups = (await Promise.all(list(v.group).map((g) => ops.resolveGroup(ctx, g)))).map((g) => g.id)
      }
      if (v.scope !== undefined) changes.scopes = list(v.scope)
      const maxAge = v['max-auth-age']
      if (maxAge !== undefined) {
        changes.maxAuthAge = maxAge === 'none' ? null : Number(maxAge)
        if (changes.maxAuthAge !== null && !Number.isSafeInteger(changes.maxAuthAge))
          throw new UsageError('--max-auth-age must be whole seconds or none')
      }
      if (Object.keys(changes).length === 0)
        throw new UsageError('nothing to change: give --group, --scope or --max-auth-age')
      const c = await ops.updateConnection(ctx, id!, changes)
      const age = c.maxAuthAge === null ? 'any' : `${c.maxAuthAge} s`
      io.out(`connection ${c.id}: groups ${c.groups.join(',')}; scopes ${c.scopes.join(' ')}; max auth age ${age}`)
    },
  },
  'connection remove': {
    usage: 'connection remove <connection-id>',
    description: 'Delete a managed connection: issuance under it stops at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [id], io) {
      await ops.deleteConnection(ctx, id!)
      io.out(`connection ${id} deleted`)
    },
  },
  'connection list': {
    usage: 'connection list [--json]',
    description: 'List managed connections.',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const connections = await ctx.store.idp.connections.list()
      if (v.json) return json(io, connections)
      for (const c of connections) {
        io.out(
          `${c.id}  ${c.clientId} -> ${c.resource}  scopes ${c.scopes.join(' ')}  ${c.enabled ? 'enabled' : 'disabled'}`,
        )
      }
    },
  },
  'block add': {
    usage: 'block add <user|client|application|user_connection> <target> [--until <ISO date>] [--reason <text>]',
    description:
      'Block a user (id or username), a client, an application (id, issuer or alias), or one user on one connection ' +
      '(user_connection <connection id>:<user id or username>); wins over every connection.',
    options: { until: { type: 'string' }, reason: { type: 'string' } },
    positionals: 2,
    async run(ctx, v, [kind, target], io) {
      if (!IDP_BLOCK_KINDS.includes(kind as IdpBlockKind))
        throw new UsageError(`the kind must be one of ${IDP_BLOCK_KINDS.join(', ')}`)
      const id =
        kind === 'user'
          ? (await ops.resolveUser(ctx, target!)).id
          : kind === 'application'
            ? (await ops.resolveApplication(ctx, target!)).id
            : kind === 'user_connection'
              ? await userConnection(ctx, target!)
              : target!
      const until = time(v.until, 'until')
      const block = await ops.createBlock(ctx, {
        kind: kind as IdpBlockKind,
        target: id,
        until: until ?? null,
        reason: (v.reason as string | undefined) ?? null,
      })
      io.out(`block ${block.id} on ${kind} ${target}${until ? ` until ${new Date(until).toISOString()}` : ''}`)
    },
  },
  'block list': {
    usage: 'block list [--active] [--json]',
    description: 'Blocks, or with --active only those in force now.',
    options: { active: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const blocks = await ctx.store.idp.blocks.list(v.active ? { activeAt: ctx.now() } : {})
      if (v.json) return json(io, { blocks })
      for (const b of blocks) {
        const until = b.until === null ? '' : `  until ${new Date(b.until).toISOString()}`
        io.out(`${b.id}  ${b.kind} ${b.target}${until}${b.reason ? `  (${b.reason})` : ''}`)
      }
    },
  },
  'block remove': {
    usage: 'block remove <block-id>',
    description: 'Lift a block; issuance it stopped resumes at the next request.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [id], io) {
      await ops.deleteBlock(ctx, id!)
      io.out(`block ${id} lifted`)
    },
  },
}
