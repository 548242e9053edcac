/**
 * Grants without consent screens for first-party and admin-approved clients (avoiding consent screens is the point
 * of enterprise-managed authorization): `loadExistingGrant` creates or extends the grant with what was requested.
 */
import type { Store } from '@openxaa/store'
import type { Grant, KoaContextWithOIDC } from 'oidc-provider'

/** Adds the requested OIDC scopes and claims to `grant`. */
export function grantRequested(ctx: KoaContextWithOIDC, grant: Grant): void {
  const scopes = [...(ctx.oidc.requestParamOIDCScopes ?? [])]
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '))
  const claims = [...(ctx.oidc.requestParamClaims ?? [])]
  if (claims.length > 0) grant.addOIDCClaims(claims)
}

/** oidc-provider's `loadExistingGrant`: the session's grant, created or extended for approved clients. */
export function loadExistingGrant(store: Store) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session } = ctx.oidc
    if (!client || !session?.accountId) return undefined
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId)
    let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined
    const stored = await store.idp.clients.get(client.clientId)
    if (!stored?.firstParty) return grant
    grant ??= new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
    grantRequested(ctx, grant)
    await grant.save()
    return grant
  }
}
