/**
 * oidc-provider's `Client` model served from the `idp_client` table on every lookup, so that an admin change (new
 * redirect URI, disabled client, rotated secret) applies without a restart. A disabled client is "not found", which
 * oidc-provider answers with `invalid_client`.
 */
import { GRANT_TYPE_AUTHORIZATION_CODE, GRANT_TYPE_TOKEN_EXCHANGE } from '@openxaa/protocol'
import type { IdpClient, OidcAdapter, Store } from '@openxaa/store'
import { verifySecret } from '../directory/secrets.js'

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post'])

/** The OIDC client metadata oidc-provider sees for a stored client. */
export function clientMetadata(client: IdpClient, secretHash: string | null): Record<string, unknown> {
  // Token exchange is always "allowed" at the oidc-provider level so that the grant handler, not a generic
  // invalid_request, answers a client that is not enabled for cross-app access (`unauthorized_client`, decision 3).
  const grantTypes = [...new Set([...client.grantTypes, GRANT_TYPE_TOKEN_EXCHANGE])]
  const metadata: Record<string, unknown> = {
    client_id: client.clientId,
    client_name: client.name,
    application_type: client.applicationType,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: grantTypes,
    response_types: grantTypes.includes(GRANT_TYPE_AUTHORIZATION_CODE) ? ['code'] : [],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    // The IdP signs with ES256 only: without this, oidc-provider's RS256 default answers a bare 404 (stack.md).
    id_token_signed_response_alg: 'ES256',
    // auth_time in every ID token: token exchange checks the sign-in age against a connection's max auth age.
    require_auth_time: true,
  }
  if (SECRET_METHODS.has(client.tokenEndpointAuthMethod)) {
    // oidc-provider insists on a `client_secret` for these methods; it gets the hash, and compares through
    // `installSecretComparison`, so the secret itself is never stored.
    metadata.client_secret = secretHash ?? ''
  }
  if (client.jwks !== null) metadata.jwks = client.jwks
  return metadata
}

/** The `Client` adapter: reads only; clients are written through the admin API or the CLI. */
export function clientAdapter(store: Store): OidcAdapter {
  const readOnly = async () => {
    throw new Error('IdP clients are managed through the admin API, not dynamic registration')
  }
  return {
    async find(id) {
      const client = await store.idp.clients.get(id)
      if (client === undefined || !client.enabled) return undefined
      const hash = SECRET_METHODS.has(client.tokenEndpointAuthMethod) ? await store.idp.clients.secretHash(id) : null
      return clientMetadata(client, hash ?? null)
    },
    upsert: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: async () => {},
  }
}

interface SecretComparingClient {
  clientSecret?: string
  compareClientSecret(actual: string): boolean | Promise<boolean>
}

/**
 * Makes a provider compare a presented `client_secret` with the stored hash instead of a plaintext secret. The
 * Client class is built per provider instance, so this touches no other provider.
 */
export function installSecretComparison(ClientClass: unknown): void {
  const proto = (ClientClass as { prototype: SecretComparingClient }).prototype
  proto.compareClientSecret = function compareHashedSecret(this: SecretComparingClient, actual: string) {
    return verifySecret(actual, this.clientSecret)
  }
}
