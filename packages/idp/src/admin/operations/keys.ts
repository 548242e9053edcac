/** Signing-key rotation, admin API keys, and audit queries. */
import type { AuditDecision, AuditPage, AuditQuery, IdpApiKey, SigningKeyInfo } from '@openxaa/store'
import { generateApiKey, hashSecret } from '../../directory/secrets.js'
import { IDP_KEY_PURPOSE } from '../../provider/holder.js'
import { type AdminContext, audited } from '../context.js'
import { AdminError, found } from '../errors.js'

/**
 * How long a new key is published before it signs, by default: verifiers (jose, our AS and MCP middleware) refetch a
 * JWKS on an unknown `kid` at most once per 30 s cooldown, so 60 s leaves every one of them time to hold the key
 * before its first token, with margin for clock skew and slow fetches.
 */
export const KEY_ACTIVATE_AFTER_DEFAULT = 60

/** The longest delay a rotation accepts, for either option: 30 days. */
export const KEY_ROTATE_MAX_SECONDS = 86_400 * 30

/** The timing of a rotation; each is whole seconds from 0 to {@link KEY_ROTATE_MAX_SECONDS}. */
export interface RotateKeysOptions {
  /** How long the new key is published before it signs (default {@link KEY_ACTIVATE_AFTER_DEFAULT}). */
  activateAfterSeconds?: number
  /** How long the outgoing key stays published after the new one activates (default `keyRetireAfter`). */
  retireAfterSeconds?: number
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0 || value > KEY_ROTATE_MAX_SECONDS) {
    throw new AdminError('invalid_request', `${name} must be whole seconds from 0 to ${KEY_ROTATE_MAX_SECONDS}`)
  }
  return value
}

/**
 * Rotates the IdP's signing key: the new key is published at once and signs new ID tokens and ID-JAGs from
 * `activateAfterSeconds`; the previous key signs until then and stays in the JWKS `retireAfterSeconds` more, until
 * every token it signed has expired. `{ activateAfterSeconds: 0, retireAfterSeconds: 0 }` is the emergency rotation of
 * a compromised key: it switches and drops every earlier key at once, and verifiers that fetched the JWKS within their
 * refetch cooldown refuse the new tokens until it passes.
 */
export async function rotateKeys(ctx: AdminContext, options: RotateKeysOptions = {}): Promise<SigningKeyInfo> {
  const activateAfterSeconds = seconds('activateAfterSeconds', options.activateAfterSeconds, KEY_ACTIVATE_AFTER_DEFAULT)
  const retireAfterSeconds = seconds('retireAfterSeconds', options.retireAfterSeconds, ctx.keyRetireAfter)
  const info = await ctx.store.keys.rotate(IDP_KEY_PURPOSE, { activateAfterSeconds, retireAfterSeconds })
  await ctx.store.audit.append({
    actor: ctx.actor,
    action: 'admin.keys.rotate',
    decision: 'change',
    data: { kid: info.kid, activateAt: info.activateAt, activateAfterSeconds, retireAfterSeconds },
  })
  await ctx.onKeysRotated?.()
  return info
}

/** The IdP's signing keys, newest first, public parts only. */
export function listKeys(ctx: AdminContext): Promise<SigningKeyInfo[]> {
  return ctx.store.keys.list(IDP_KEY_PURPOSE, ctx.now())
}

/** A new API key for automation; the key is returned this once and stored as a hash. */
export async function createApiKey(ctx: AdminContext, name: string): Promise<{ apiKey: IdpApiKey; key: string }> {
  const key = generateApiKey()
  const apiKey = await audited(
    ctx,
    (tx) => tx.idp.apiKeys.create({ name, keyHash: hashSecret(key), createdBy: `${ctx.actor.type}:${ctx.actor.id}` }),
    (k) => ({ action: 'admin.api_key.create', data: { apiKeyId: k.id, name: k.name } }),
  )
  return { apiKey, key }
}

/** Revokes an API key at once. */
export async function revokeApiKey(ctx: AdminContext, id: string): Promise<void> {
  await audited(
    ctx,
    async (tx) => {
      if (!(await tx.idp.apiKeys.revoke(id))) found(undefined, 'active API key')
    },
    () => ({ action: 'admin.api_key.revoke', data: { apiKeyId: id } }),
  )
}

/** Filters of the audit query, as the admin API and CLI take them (`application` is an application id). */
export interface AuditFilter {
  user?: string
  client?: string
  application?: string
  resource?: string
  action?: string
  decision?: AuditDecision
  since?: number
  until?: number
  limit?: number
  cursor?: string
}

/** Audit events matching the filter, newest first, in pages. */
export async function queryAudit(ctx: AdminContext, filter: AuditFilter): Promise<AuditPage> {
  const query: AuditQuery = {}
  if (filter.user !== undefined) query.userId = filter.user
  if (filter.client !== undefined) query.clientId = filter.client
  if (filter.application !== undefined) {
    // Events name an application by its issuer (the audience of its ID-JAGs).
    query.audience = found(await ctx.store.idp.applications.get(filter.application), 'application').issuer
  }
  if (filter.resource !== undefined) query.resource = filter.resource
  if (filter.action !== undefined) query.action = filter.action
  if (filter.decision !== undefined) query.decision = filter.decision
  if (filter.since !== undefined) query.since = filter.since
  if (filter.until !== undefined) query.until = filter.until
  if (filter.limit !== undefined) query.limit = filter.limit
  if (filter.cursor !== undefined) query.cursor = filter.cursor
  return ctx.store.audit.query(query)
}
