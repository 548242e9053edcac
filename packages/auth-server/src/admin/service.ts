/**
 * Administration of the resource AS over the store: organizations, issuer trusts, clients, resources, API keys and
 * signing keys. The admin JSON API and the CLI both call this; every change is written with its audit event in one
 * transaction (actor `admin` with the API key id, or `cli` with the OS user).
 * @see ../../../../shared/architecture.md "changed only through the admin API, every change audited"
 */
import { randomBytes } from 'node:crypto'
import { ACCESS_TOKEN_MAX_LIFETIME, createJwksCache, DEFAULT_CLOCK_SKEW } from '@openxaa/protocol'
import {
  type AsClientAuthMethod,
  type AuditActor,
  type AuditEventInput,
  type AuditQuery,
  type Clock,
  type IssuerTrustInput,
  nowMs,
  type Store,
  type StoreTransaction,
} from '@openxaa/store'
import type { RedemptionContext } from '../context.js'
import { discoverIssuerKeys } from '../policy/issuer-metadata.js'
import { AdminError } from './errors.js'

/** Who changes things: an admin API key or the command line. */
export interface AdminActor extends AuditActor {
  type: 'admin' | 'cli'
}

/** What {@link AdminService.createClient} takes; a secret is generated when a secret method is allowed. */
export interface NewClientInput {
  clientId: string
  organizationId?: string | null
  name?: string | null
  authMethods?: AsClientAuthMethod[]
  jwks?: { keys: Record<string, unknown>[] } | null
  jwksUri?: string | null
}

type Fields = Omit<AuditEventInput, 'actor' | 'action' | 'decision'>

/** What the admin operations need: a store, and optionally fetch, a clock and the signing-key settings. */
export interface AdminServiceDeps {
  store: Store
  fetch?: typeof fetch
  clock?: Clock
  /** Default `as`. */
  keyPurpose?: string
  /** Added to the longest access-token lifetime when an old signing key is retired. Default 30. */
  clockSkew?: number
}

function fromContext(deps: AdminServiceDeps | RedemptionContext): Required<AdminServiceDeps> {
  if ('options' in deps) {
    const { store, fetch, options } = deps
    return { store, fetch, clock: () => deps.nowMs(), keyPurpose: options.keyPurpose, clockSkew: options.clockSkew }
  }
  return {
    store: deps.store,
    fetch: deps.fetch ?? globalThis.fetch,
    clock: deps.clock ?? Date.now,
    keyPurpose: deps.keyPurpose ?? 'as',
    clockSkew: deps.clockSkew ?? DEFAULT_CLOCK_SKEW,
  }
}

/**
 * Builds the admin operations, from a server's context or from a bare store (the CLI).
 * @example const admin = createAdminService({ store }); await admin.createOrganization(actor, { id: 'acme' })
 */
export function createAdminService(deps: AdminServiceDeps | RedemptionContext) {
  const context = fromContext(deps)
  const { store } = context
  const repos = store.authServer

  async function change<T>(
    actor: AdminActor,
    action: string,
    fn: (tx: StoreTransaction) => Promise<T>,
    fields: (result: T) => Fields,
  ): Promise<T> {
    return store.transaction(async (tx) => {
      const result = await fn(tx)
      await tx.audit.append({ ...fields(result), actor, action: `admin.${action}`, decision: 'change' })
      return result
    })
  }

  async function trustOrThrow(id: string) {
    const trust = await repos.issuerTrusts.get(id)
    if (!trust) throw new AdminError(404, 'not_found', `no issuer trust "${id}"`)
    return trust
  }

  return {
    listOrganizations: () => repos.organizations.list(),
    async getOrganization(id: string) {
      const organization = await repos.organizations.get(id)
      if (!organization) throw new AdminError(404, 'not_found', `no organization "${id}"`)
      return { ...organization, trusts: await repos.issuerTrusts.list({ organizationId: id }) }
    },
    createOrganization: (actor: AdminActor, input: { id: string; name?: string }) =>
      change(
        actor,
        'organization.create',
        (tx) => tx.authServer.organizations.create(input),
        (o) => ({ organization: o.id, data: { name: o.name } }),
      ),

    listTrusts: (organizationId?: string) =>
      repos.issuerTrusts.list(organizationId === undefined ? {} : { organizationId }),
    getTrust: trustOrThrow,
    createTrust: (actor: AdminActor, input: IssuerTrustInput) =>
      change(
        actor,
        'trust.create',
        (tx) => tx.authServer.issuerTrusts.create(input),
        (t) => ({
          organization: t.organizationId,
          issuer: t.issuer,
          ...(t.tenant === null ? {} : { tenant: t.tenant }),
          data: { trust: t.id, linkingMode: t.linkingMode, clients: t.allowedClientIds, jwksUri: t.jwksUri },
        }),
      ),
    async setTrustEnabled(actor: AdminActor, id: string, enabled: boolean) {
      await trustOrThrow(id)
      return change(
        actor,
        enabled ? 'trust.enable' : 'trust.disable',
        async (tx) => (await tx.authServer.issuerTrusts.setEnabled(id, enabled))!,
        (t) => ({ organization: t.organizationId, issuer: t.issuer, data: { trust: t.id } }),
      )
    },
    /** Fetches the issuer's metadata (issuer-equality checked) and its JWKS; records the outcome either way. */
    async verifyTrust(actor: AdminActor, id: string) {
      const trust = await trustOrThrow(id)
      const fields = { organization: trust.organizationId, issuer: trust.issuer }
      try {
        const discovered = await discoverIssuerKeys(trust.issuer, context.fetch)
        const jwksUri = trust.jwksUri ?? discovered.jwksUri
        const keys = createJwksCache({ uri: jwksUri, fetch: context.fetch, clock: () => nowMs(context.clock) })
        await keys.refresh()
        const updated = await change(
          actor,
          'trust.verify',
          async (tx) => (await tx.authServer.issuerTrusts.recordMetadataVerified(id, discovered.jwksUri))!,
          () => ({ ...fields, data: { trust: id, metadataUrl: discovered.metadataUrl, keys: keys.stats.keys } }),
        )
        return { trust: updated, metadataUrl: discovered.metadataUrl, jwksUri, keys: keys.stats.keys }
      } catch (err) {
        const detail = (err as { detail?: string }).detail ?? (err as Error).message
        await store.audit.append({ ...fields, actor, action: 'admin.trust.verify', decision: 'info', detail })
        throw new AdminError(422, 'verification_failed', `the issuer metadata or keys could not be verified: ${detail}`)
      }
    },

    listClients: () => repos.clients.list(),
    async getClient(clientId: string) {
      const client = await repos.clients.get(clientId)
      if (!client) throw new AdminError(404, 'not_found', `no client "${clientId}"`)
      return client
    },
    /** Registers a client; the generated secret is in the result once and never again. */
    createClient: (actor: AdminActor, input: NewClientInput) => {
      const withKeys = Boolean(input.jwks) || Boolean(input.jwksUri)
      const authMethods =
        input.authMethods ??
        (withKeys ? ['private_key_jwt' as const] : ['client_secret_basic' as const, 'client_secret_post' as const])
      const secret = authMethods.some((m) => m !== 'private_key_jwt')
        ? randomBytes(32).toString('base64url')
        : undefined
      return change(
        actor,
        'client.create',
        async (tx) => ({
          client: await tx.authServer.clients.create({
            clientId: input.clientId,
            organizationId: input.organizationId ?? null,
            name: input.name ?? null,
            authMethods,
            jwks: input.jwks ?? null,
            jwksUri: input.jwksUri ?? null,
            ...(secret === undefined ? {} : { secret }),
          }),
          ...(secret === undefined ? {} : { secret }),
        }),
        ({ client }) => ({
          clientId: client.clientId,
          ...(client.organizationId === null ? {} : { organization: client.organizationId }),
          data: { authMethods: client.authMethods, jwksUri: client.jwksUri },
        }),
      )
    },
    async setClientEnabled(actor: AdminActor, clientId: string, enabled: boolean) {
      if (!(await repos.clients.get(clientId))) throw new AdminError(404, 'not_found', `no client "${clientId}"`)
      return change(
        actor,
        enabled ? 'client.enable' : 'client.disable',
        async (tx) => (await tx.authServer.clients.setEnabled(clientId, enabled))!,
        (c) => ({ clientId: c.clientId }),
      )
    },

    listResources: () => repos.resources.list(),
    createResource: (actor: AdminActor, input: { uri: string; name?: string; scopes: string[] }) =>
      change(
        actor,
        'resource.create',
        (tx) => tx.authServer.resources.create(input),
        (r) => ({ resource: r.uri, data: { scopes: r.scopes } }),
      ),
    async updateResource(actor: AdminActor, uri: string, patch: { name?: string; scopes?: string[] }) {
      if (!(await repos.resources.get(uri))) throw new AdminError(404, 'not_found', 'no such resource')
      return change(
        actor,
        'resource.update',
        async (tx) => (await tx.authServer.resources.update(uri, patch))!,
        (r) => ({ resource: r.uri, data: { scopes: r.scopes } }),
      )
    },

    listApiKeys: () => repos.apiKeys.list(),
    /** Creates an admin API key; the key is in the result once and never again. */
    createApiKey: (actor: AdminActor, name: string) =>
      change(
        actor,
        'api_key.create',
        (tx) => tx.authServer.apiKeys.create(name),
        ({ apiKey }) => ({ data: { apiKey: { id: apiKey.id, name: apiKey.name } } }),
      ),
    async revokeApiKey(actor: AdminActor, id: string) {
      const revoked = await change(
        actor,
        'api_key.revoke',
        (tx) => tx.authServer.apiKeys.revoke(id),
        () => ({ data: { apiKey: { id } } }),
      )
      if (!revoked) throw new AdminError(404, 'not_found', `no API key "${id}"`)
      return revoked
    },

    /**
     * Rotates the access-token signing key: the new key is published at once and signs after `activateAfterSeconds`
     * (default 60: resource servers refetch the JWKS on an unknown `kid` at most every 30 s, so they all hold it
     * before its first token); the old key signs until then and stays published while tokens it signed may live
     * (`retireAfterSeconds`). 0 and 0 is the emergency rotation of a compromised key.
     */
    async rotateSigningKey(actor: AdminActor, options: RotateSigningKeyOptions = {}) {
      const purpose = context.keyPurpose
      const activateAfterSeconds = rotateSeconds('activateAfterSeconds', options.activateAfterSeconds, 60)
      const retireAfterSeconds = rotateSeconds(
        'retireAfterSeconds',
        options.retireAfterSeconds,
        ACCESS_TOKEN_MAX_LIFETIME + context.clockSkew,
      )
      await store.keys.ensure(purpose, { alg: 'ES256' })
      const key = await store.keys.rotate(purpose, { activateAfterSeconds, retireAfterSeconds })
      await store.audit.append({
        actor,
        action: 'admin.keys.rotate',
        decision: 'change',
        data: { kid: key.kid, activateAt: key.activateAt, activateAfterSeconds, retireAfterSeconds },
      })
      return { kid: key.kid, alg: key.alg, createdAt: key.createdAt, activateAt: key.activateAt }
    },

    queryAudit: (filter: AuditQuery) => store.audit.query(filter),
  }
}

/** The timing of a signing-key rotation, whole seconds each. */
export interface RotateSigningKeyOptions {
  /** How long the new key is published before it signs (default 60). */
  activateAfterSeconds?: number
  /** How long the old key stays published after the new one activates (default: the longest token lifetime + skew). */
  retireAfterSeconds?: number
}

/** The longest delay a rotation accepts, for either option: 30 days. */
export const KEY_ROTATE_MAX_SECONDS = 86_400 * 30

function rotateSeconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > KEY_ROTATE_MAX_SECONDS) {
    throw new AdminError(400, 'invalid_request', `${name} must be whole seconds from 0 to ${KEY_ROTATE_MAX_SECONDS}`)
  }
  return value
}

/** The admin operations. */
export type AdminService = ReturnType<typeof createAdminService>
