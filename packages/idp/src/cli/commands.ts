/**
 * The admin commands of `openxaa-idp`: the same operations as the admin API, run on the store directly and audited
 * with the actor `cli`. Each command: a usage line, its options, and what it does.
 */
import { readFileSync } from 'node:fs'
import type { parseArgs } from 'node:util'
import { GRANT_TYPE_DEVICE_CODE } from '@openxaa/protocol'
import {
  AUDIT_DECISIONS,
  type AuditDecision,
  IDP_BLOCK_KINDS,
  type IdpBlockKind,
  type IdpClientAuthMethod,
  type Store,
} from '@openxaa/store'
import { operations as ops } from '../admin/administration.js'
import type { AdminContext } from '../admin/context.js'
import { type CliIo, UsageError } from './io.js'

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

/** One command of the CLI. */
export interface Command {
  usage: string
  description: string
  options: Options
  positionals: number
  run(ctx: AdminContext, values: Record<string, unknown>, args: string[], io: CliIo): Promise<void>
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String)
const json = (io: CliIo, value: unknown) => io.out(JSON.stringify(value, null, 2))

function time(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(String(value))
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 date, e.g. 2026-12-31T00:00:00Z`)
  return ms
}

async function password(values: Record<string, unknown>, io: CliIo): Promise<string | undefined> {
  if (values['password-stdin']) {
    const text = (await io.readStdin()).replace(/\r?\n$/, '')
    if (text === '') throw new UsageError('--password-stdin: standard input is empty')
    return text
  }
  return io.env.OPENXAA_USER_PASSWORD || undefined
}

/** Every admin command, by its words. */
export const COMMANDS: Record<string, Command> = {
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
  'client add': {
    usage:
      'client add <client-id> --name <n> [--redirect-uri <u>]... [--post-logout-redirect-uri <u>]... [--auth-method <m>] [--jwks-file <f>] [--first-party] [--no-xaa] [--device] [--native]',
    description:
      'Register an OIDC client (AI application). Prints a generated secret once. Cross-app access (token exchange) is on unless --no-xaa.',
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'auth-method': { type: 'string' },
      'jwks-file': { type: 'string' },
      'first-party': { type: 'boolean' },
      'no-xaa': { type: 'boolean' },
      device: { type: 'boolean' },
      native: { type: 'boolean' },
    },
    positionals: 1,
    async run(ctx, v, [clientId], io) {
      if (!v.name) throw new UsageError('--name is required')
      const grantTypes = ['authorization_code', 'refresh_token']
      if (!v['no-xaa']) grantTypes.push('urn:ietf:params:oauth:grant-type:token-exchange')
      if (v.device) grantTypes.push(GRANT_TYPE_DEVICE_CODE)
      const jwks = v['jwks-file'] ? JSON.parse(readFileSync(String(v['jwks-file']), 'utf8')) : undefined
      const created = await ops.createClient(ctx, {
        clientId: clientId!,
        name: String(v.name),
        tokenEndpointAuthMethod:
          (v['auth-method'] as IdpClientAuthMethod | undefined) ?? (jwks ? 'private_key_jwt' : 'client_secret_basic'),
        applicationType: v.native ? 'native' : 'web',
        redirectUris: list(v['redirect-uri']),
        postLogoutRedirectUris: list(v['post-logout-redirect-uri']),
        grantTypes,
        ...(jwks ? { jwks } : {}),
        firstParty: Boolean(v['first-party']),
      })
      io.out(`client ${created.client.clientId} created (${created.client.tokenEndpointAuthMethod})`)
      if (created.clientSecret) io.out(`client secret (shown once, store it now): ${created.clientSecret}`)
    },
  },
  'app add': {
    usage: 'app add <name> --issuer <resource AS issuer> [--alias <a>]... [--include-email]',
    description: "Register a resource application (a SaaS vendor's resource authorization server).",
    options: {
      issuer: { type: 'string' },
      alias: { type: 'string', multiple: true },
      'include-email': { type: 'boolean' },
    },
    positionals: 1,
    async run(ctx, v, [name], io) {
      if (!v.issuer) throw new UsageError('--issuer is required')
      const app = await ops.createApplication(ctx, {
        name: name!,
        issuer: String(v.issuer),
        aliases: list(v.alias),
        includeEmail: Boolean(v['include-email']),
      })
      io.out(`application ${app.name} created: id ${app.id}, issuer ${app.issuer}`)
    },
  },
  'resource add': {
    usage: 'resource add <app> <resource-uri> --scope <s>... [--name <n>]',
    description:
      'Add an MCP resource (its RFC 9728 resource identifier) governed by an application (id, issuer or alias).',
    options: { scope: { type: 'string', multiple: true }, name: { type: 'string' } },
    positionals: 2,
    async run(ctx, v, [a, uri], io) {
      const app = await ops.resolveApplication(ctx, a!)
      const r = await ops.putResource(ctx, app.id, {
        uri: uri!,
        name: (v.name as string | undefined) ?? null,
        scopes: list(v.scope),
      })
      io.out(`resource ${r.uri} of ${app.name}: scopes ${r.scopes.join(' ') || '(none)'}`)
    },
  },
  'app client-id set': {
    usage: 'app client-id set <app> <client-id> <client-id-at-the-resource-AS>',
    description:
      "Set the client_id a client has at the application's resource AS (the client_id claim of its ID-JAGs).",
    options: {},
    positionals: 3,
    async run(ctx, _v, [a, clientId, rasClientId], io) {
      const app = await ops.resolveApplication(ctx, a!)
      await ops.setClientId(ctx, app.id, clientId!, rasClientId!)
      io.out(`${clientId} is ${rasClientId} at ${app.issuer}`)
    },
  },
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
    usage: 'block add <user|client|application> <target> [--until <ISO date>] [--reason <text>]',
    description:
      'Block a user (id or username), a client or an application (id, issuer or alias); wins over every connection.',
    options: { until: { type: 'string' }, reason: { type: 'string' } },
    positionals: 2,
    async run(ctx, v, [kind, target], io) {
      if (!IDP_BLOCK_KINDS.includes(kind as IdpBlockKind))
        throw new UsageError('the kind must be user, client or application')
      const id =
        kind === 'user'
          ? (await ops.resolveUser(ctx, target!)).id
          : kind === 'application'
            ? (await ops.resolveApplication(ctx, target!)).id
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
  'keys rotate': {
    usage: 'keys rotate [--retire-after <seconds>]',
    description:
      'Rotate the IdP signing key; the previous key stays published for --retire-after seconds (default 3660). Running servers notice within their key-check interval.',
    options: { 'retire-after': { type: 'string' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const retire = v['retire-after'] === undefined ? ctx.keyRetireAfter : Number(v['retire-after'])
      if (!Number.isSafeInteger(retire) || retire < 0) throw new UsageError('--retire-after must be whole seconds')
      const info = await ops.rotateKeys({ ...ctx, keyRetireAfter: retire })
      io.out(`new signing key ${info.kid} (${info.alg}); the previous one stays published for ${retire} s`)
    },
  },
  'audit list': {
    usage:
      'audit list [--user <u>] [--client <c>] [--app <a>] [--decision <d>] [--action <a>] [--since <ISO>] [--until <ISO>] [--limit <n>] [--json]',
    description: 'Audit events, newest first.',
    options: {
      user: { type: 'string' },
      client: { type: 'string' },
      app: { type: 'string' },
      decision: { type: 'string' },
      action: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: 0,
    async run(ctx, v, _a, io) {
      if (v.decision !== undefined && !AUDIT_DECISIONS.includes(v.decision as AuditDecision)) {
        throw new UsageError(`--decision must be one of ${AUDIT_DECISIONS.join(', ')}`)
      }
      const since = time(v.since, 'since')
      const until = time(v.until, 'until')
      const page = await ops.queryAudit(ctx, {
        ...(v.user ? { user: (await ops.resolveUser(ctx, String(v.user))).id } : {}),
        ...(v.client ? { client: String(v.client) } : {}),
        ...(v.app ? { application: (await ops.resolveApplication(ctx, String(v.app))).id } : {}),
        ...(v.decision ? { decision: v.decision as AuditDecision } : {}),
        ...(v.action ? { action: String(v.action) } : {}),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        limit: v.limit === undefined ? 50 : Number(v.limit),
      })
      if (v.json) return json(io, page)
      for (const e of page.events) {
        io.out(
          `${new Date(e.at).toISOString()}  ${e.action}  ${e.decision}${e.reason ? ` ${e.reason}` : ''}  actor=${e.actor.type}:${e.actor.id}${e.userId ? ` user=${e.userId}` : ''}${e.clientId ? ` client=${e.clientId}` : ''}${e.audience ? ` audience=${e.audience}` : ''}`,
        )
      }
    },
  },
  'api-key add': {
    usage: 'api-key add <name>',
    description: 'Create an admin API key (Authorization: Bearer …). Prints the key once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [name], io) {
      const { apiKey, key } = await ops.createApiKey(ctx, name!)
      io.out(`API key ${apiKey.id} created`)
      io.out(`key (shown once, store it now): ${key}`)
    },
  },
}

/** The admin context of the CLI: actor `cli`, the default key retirement and password cost. */
export function cliContext(store: Store, env: Record<string, string | undefined>): AdminContext {
  return {
    store,
    actor: { type: 'cli', id: env.USER ?? 'cli' },
    now: Date.now,
    passwordHashCost: Number(env.OPENXAA_PASSWORD_HASH_COST ?? 17),
    keyRetireAfter: 3660,
  }
}
