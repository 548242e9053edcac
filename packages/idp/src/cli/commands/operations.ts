import { AUDIT_DECISIONS, type AuditDecision } from '@openxaa/store'
import { operations as ops } from '../../admin/administration.js'
import { KEY_ACTIVATE_AFTER_DEFAULT, KEY_ROTATE_MAX_SECONDS } from '../../admin/operations/keys.js'
import { UsageError } from '../io.js'
import { type Command, json, time } from './command.js'

/** `--activate-after` / `--retire-after`: whole seconds from 0 to 30 days, or the default when left out. */
function rotateSeconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n > KEY_ROTATE_MAX_SECONDS) {
    throw new UsageError(`--${flag} must be whole seconds from 0 to ${KEY_ROTATE_MAX_SECONDS}`)
  }
  return n
}

/** Signing keys, audit and API keys. */
export const OPERATIONS_COMMANDS: Record<string, Command> = {
  'keys rotate': {
    usage: 'keys rotate [--activate-after <seconds>] [--retire-after <seconds>]',
    description:
      'Rotate the IdP signing key. The new key is published at once and signs after --activate-after seconds (default 60: verifiers refetch a JWKS on an unknown kid at most every 30 s, so they all hold the key before its first token); the previous key signs until then and stays published --retire-after seconds more (default 3660). --activate-after 0 --retire-after 0 is the emergency rotation of a compromised key: it switches and drops the old key at once, and verifiers that fetched the JWKS in the last 30 s refuse new tokens until their cooldown passes. Running servers notice within their key-check interval.',
    options: { 'activate-after': { type: 'string' }, 'retire-after': { type: 'string' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const activate = rotateSeconds(
        'activate-after',
        v['activate-after'] as string | undefined,
        KEY_ACTIVATE_AFTER_DEFAULT,
      )
      const retire = rotateSeconds('retire-after', v['retire-after'] as string | undefined, ctx.keyRetireAfter)
      const info = await ops.rotateKeys(ctx, { activateAfterSeconds: activate, retireAfterSeconds: retire })
      io.out(
        info.status === 'current'
          ? `new signing key ${info.kid} (${info.alg}) signs now; the previous one stays published for ${retire} s`
          : `new signing key ${info.kid} (${info.alg}) is published and signs from ${new Date(info.activateAt).toISOString()} (in ${activate} s); the previous one signs until then and stays published ${retire} s more`,
      )
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
    description:
      'The signing keys, newest first: next (published, signs from its activation time), current (signs), previous (still published until its retire time).',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const keys = await ops.listKeys(ctx)
      if (v.json) return json(io, { keys })
      for (const k of keys) {
        const from = k.status === 'next' ? `  from ${new Date(k.activateAt).toISOString()}` : ''
        const retire = k.retireAt === null ? '' : `  until ${new Date(k.retireAt).toISOString()}`
        io.out(`${k.kid}  ${k.alg}  ${k.status}${from}${retire}`)
      }
    },
  },
}
