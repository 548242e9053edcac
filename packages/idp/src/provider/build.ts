/**
 * One oidc-provider instance: configuration, hashed client secrets, the token-exchange grant, the `invalid_client`
 * answer for a token request without client authentication, and audit of what oidc-provider refuses on its own.
 */
import { GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_EXCHANGE_REPEATABLE_PARAMETERS } from '@openxaa/protocol'
import type { AuditEventInput, CurrentSigningKey } from '@openxaa/store'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'
import { AUDIT_ACTIONS, recordQuietly } from '../audit.js'
import type { IdpRuntime } from '../context.js'
import { requestIdOfIncoming, withRequestId } from '../request-id.js'
import { tokenExchangeHandler } from '../token-exchange/handler.js'
import { TOKEN_EXCHANGE_PARAMETERS } from '../token-exchange/request.js'
import { installSecretComparison } from './clients.js'
import { PROVIDER_ROUTES, providerConfiguration } from './configuration.js'
import { answerDatabaseOutage, noteDatabaseError } from './outage.js'

const NO_CLIENT_AUTH = 'no client authentication mechanism provided'

interface ErrorBody {
  error?: string
  error_description?: string
}

const REFUSAL = Symbol('token exchange refusal')

/**
 * RFC 6749 5.2 and project decision 3: a token request with no client authentication at all is `invalid_client`
 * (401), where oidc-provider answers `invalid_request` (400). Also writes the audit event of a token-exchange refusal
 * oidc-provider made on its own (noted by the `grant.error` listener), before the answer leaves.
 */
function finishTokenResponse(runtime: IdpRuntime) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next()
    const body = ctx.body as ErrorBody | undefined
    if (ctx.oidc?.route === 'token' && ctx.status === 400 && body?.error_description === NO_CLIENT_AUTH) {
      ctx.status = 401
      ctx.body = { error: 'invalid_client', error_description: 'client authentication is required' }
    }
    const refusal = (ctx.state as Record<symbol, AuditEventInput | undefined>)[REFUSAL]
    if (refusal !== undefined) await recordQuietly(runtime.store.audit, runtime.logger, refusal)
  }
}

/**
 * oidc-provider drops `offline_access` unless the request carries `prompt=consent`. For first-party and admin-approved
 * clients the organization has consented, so the IdP adds the prompt itself (and the interaction completes it without
 * a screen): such a client asking for `offline_access` gets its refresh token.
 */
function keepOfflineAccess(runtime: IdpRuntime) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method === 'GET' && ctx.path === PROVIDER_ROUTES.authorization) {
      const query = new URLSearchParams(ctx.querystring)
      const clientId = query.get('client_id')
      if (query.get('scope')?.split(' ').includes('offline_access') && !query.has('prompt') && clientId) {
        const client = await runtime.store.idp.clients.get(clientId)
        if (client?.firstParty) {
          query.set('prompt', 'consent')
          ctx.querystring = query.toString()
        }
      }
    }
    await next()
  }
}

function clientAuthReason(err: ErrorBody & { error_detail?: string }): string {
  if (err.error_description === NO_CLIENT_AUTH) return 'ERR_CLIENT_AUTH_MISSING'
  if (err.error === 'invalid_client') return 'ERR_CLIENT_AUTH_FAILED'
  return err.error === 'invalid_request' ? 'ERR_PARAMETER_INVALID' : `ERR_OIDC_${(err.error ?? 'error').toUpperCase()}`
}

/** Builds a provider signing with `key`. */
export function buildProvider(runtime: IdpRuntime, key: CurrentSigningKey): Provider {
  const provider = new Provider(runtime.options.issuer, providerConfiguration(runtime, key))
  provider.proxy = runtime.options.trustProxy
  installSecretComparison(provider.Client)
  provider.registerGrantType(
    GRANT_TYPE_TOKEN_EXCHANGE,
    tokenExchangeHandler(runtime),
    TOKEN_EXCHANGE_PARAMETERS,
    TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
  )
  // First, so that it wraps every other middleware and sees the last word of each answer.
  provider.use(answerDatabaseOutage)
  provider.use(finishTokenResponse(runtime))
  provider.use(keepOfflineAccess(runtime))

  // Refusals oidc-provider makes before the grant handler runs (client authentication, duplicates…), for token
  // exchange requests: the audit log must hold every refusal, not only the ones the handler decides.
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: ErrorBody & { error_detail?: string }) => {
    const params = ctx.oidc?.params as Record<string, unknown> | undefined
    if (params?.grant_type !== GRANT_TYPE_TOKEN_EXCHANGE) return
    const clientId = ctx.oidc?.client?.clientId ?? (typeof params.client_id === 'string' ? params.client_id : undefined)
    ;(ctx.state as Record<symbol, AuditEventInput>)[REFUSAL] = {
      actor: { type: 'client', id: clientId ?? 'unauthenticated' },
      action: AUDIT_ACTIONS.idJagIssue,
      decision: 'deny',
      reason: clientAuthReason(err),
      rule: '2(b).1 #1',
      detail: err.error_detail ?? err.error_description ?? err.error ?? 'refused by the OpenID provider',
      ...(clientId === undefined ? {} : { clientId }),
      tenant: runtime.options.tenant,
      ...withRequestId(requestIdOfIncoming(ctx.req)),
    }
  })
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc?.session?.accountId
    void recordQuietly(runtime.store.audit, runtime.logger, {
      actor: { type: 'user', id: accountId ?? 'anonymous' },
      action: AUDIT_ACTIONS.signOut,
      decision: 'info',
      ...(accountId ? { userId: accountId } : {}),
      ...(ctx.oidc?.client ? { clientId: ctx.oidc.client.clientId } : {}),
      ...withRequestId(requestIdOfIncoming(ctx.req)),
    })
  })
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    // A database outage is answered 503 and counted by the request log; anything else is a bug worth a line here.
    if (noteDatabaseError(ctx, err)) return
    runtime.logger.error('OpenID provider server error', { error: err.message })
  })
  return provider
}
