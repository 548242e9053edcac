/**
 * The oidc-provider configuration of the IdP: storage in the store, clients from `idp_client`, accounts from the
 * directory, ES256 keys from the key store, code + PKCE (S256, always), refresh tokens for `offline_access`, device
 * flow, RP-initiated logout, the IdP's own sign-in interactions, and the discovery additions of cross-app access.
 * @see ../../../../shared/stack.md (oidc-provider snags), ../../../../shared/spec/xaa-protocol.md sections 2(a), 3
 */
import {
  buildIdpMetadataAdditions,
  METADATA_IDENTITY_CHAINING_REQUESTED_TOKEN_TYPES_SUPPORTED,
} from '@openxaa/protocol'
import type { CurrentSigningKey } from '@openxaa/store'
import type { Configuration, JWK } from 'oidc-provider'
import type { IdpRuntime } from '../context.js'
import { findAccount } from './account.js'
import { clientAdapter } from './clients.js'
import { loadExistingGrant } from './grant.js'
import { providerPages } from './pages.js'

/** Paths of the provider's endpoints, relative to the issuer. */
export const PROVIDER_ROUTES = {
  authorization: '/auth',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/me',
  revocation: '/token/revocation',
  end_session: '/session/end',
  code_verification: '/device',
  device_authorization: '/device/auth',
} as const

/** The private JWK oidc-provider signs ID tokens with. */
export function providerJwk(key: CurrentSigningKey): JWK {
  const jwk = key.privateKey.export({ format: 'jwk' }) as JWK
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' }
}

/** Builds the configuration for one provider instance, signing with `key`. */
export function providerConfiguration(runtime: IdpRuntime, key: CurrentSigningKey): Configuration {
  const { store, options } = runtime
  const pages = providerPages(options.displayName)
  const additions = buildIdpMetadataAdditions()
  return {
    adapter: (name: string) => (name === 'Client' ? clientAdapter(store) : store.oidcAdapter(name)),
    clients: [],
    findAccount: findAccount(store),
    jwks: { keys: [providerJwk(key)] },
    cookies: {
      keys: [...options.cookieKeys],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: pages.userCodeInputSource,
        userCodeConfirmSource: pages.userCodeConfirmSource,
        successSource: pages.successSource,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: pages.logoutSource,
        postLogoutSuccessSource: pages.postLogoutSuccessSource,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      claimsParameter: { enabled: false },
    },
    interactions: {
      url: (_ctx, interaction) => `${options.mountPath}/interaction/${interaction.uid}`,
    },
    loadExistingGrant: loadExistingGrant(store),
    // Refresh tokens whenever offline_access was granted, with or without a consent prompt.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      DeviceCode: 600,
      Grant: options.refreshTokenLifetime,
      IdToken: options.idTokenLifetime,
      Interaction: 3600,
      RefreshToken: options.refreshTokenLifetime,
      Session: options.sessionLifetime,
    },
    routes: { ...PROVIDER_ROUTES },
    discovery: {
      [METADATA_IDENTITY_CHAINING_REQUESTED_TOKEN_TYPES_SUPPORTED]:
        additions.identity_chaining_requested_token_types_supported,
    },
    renderError: pages.renderError,
  } as Configuration
}
