import { AUDIT_DECISIONS, type AuditDecision } from '@openxaa/store'
import { operations as ops } from '../../admin/administration.js'
import { UsageError } from '../io.js'
import { type Command, json, time } from './command.js'

/** Signing keys, audit and API keys. */
export const OPERATIONS_COMMANDS: Record<string, Command> = {
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
  'api-key list': {
    usage: 'api-key list [--json]',
    description: 'Admin API keys (never the keys themselves: they are stored as hashes).',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const keys = await ctx.store.idp.apiKeys.list()
      if (v.json) return json(io, { apiKeys: keys })
      for (const k of keys) {
        const state = k.revokedAt === null ? 'active' : `revoked ${new Date(k.revokedAt).toISOString()}`
        io.out(`${k.id}  ${k.name}  ${state}  created by ${k.createdBy}`)
      }
    },
  },
  'api-key revoke': {
    usage: 'api-key revoke <api-key-id>',
    description: 'Revoke an admin API key at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [id], io) {
      await ops.revokeApiKey(ctx, id!)
      io.out(`API key ${id} revoked`)
    },
  },
  'keys list': {
    usage: 'keys list [--json]',
    description: 'The signing keys, newest first: current (signs), previous (still published until its retire time).',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const keys = await ops.listKeys(ctx)
      if (v.json) return json(io, { keys })
      for (const k of keys) {
        const retire = k.retireAt === null ? '' : `  until ${new Date(k.retireAt).toISOString()}`
        io.out(`${k.kid}  ${k.alg}  ${k.status}${retire}`)
      }
    },
  },
}
