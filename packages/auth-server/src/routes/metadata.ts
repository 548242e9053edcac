/**
 * RFC 8414 metadata at `/.well-known/oauth-authorization-server` and `/.well-known/openid-configuration`, advertising
 * the ID-JAG grant profile, jwt-bearer, client authentication methods, DPoP, Client ID Metadata Documents, and the
 * `authorization_endpoint`/`response_types_supported` the MCP SDK client requires. No issuer allow-list (#27).
 * @see RFC 8414 section 2; spec/xaa-protocol.md section 3, checklist #27
 */
import { buildAuthorizationServerMetadata, DEFAULT_ALLOWED_ALGORITHMS, JSON_MEDIA_TYPE } from '@openxaa/protocol'
import type { Context } from 'hono'
import type { AppEnv, RedemptionContext } from '../context.js'

/** The GET handler of every metadata URL. */
export function metadataHandler(context: RedemptionContext) {
  const { issuer, endpoints, clientIdMetadataDocuments } = context.options
  return async (_c: Context<AppEnv>) => {
    const resources = await context.store.authServer.resources.list()
    const scopes = [...new Set(resources.flatMap((r) => r.scopes))].sort()
    const metadata = buildAuthorizationServerMetadata({
      issuer,
      tokenEndpoint: endpoints.token,
      jwksUri: endpoints.jwks,
      authorizationEndpoint: endpoints.authorization,
      introspectionEndpoint: endpoints.introspection,
      revocationEndpoint: endpoints.revocation,
      scopesSupported: scopes,
      authMethods:
        clientIdMetadataDocuments.enabled && clientIdMetadataDocuments.allowPublicClients
          ? ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']
          : ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      dpopAlgs: DEFAULT_ALLOWED_ALGORITHMS,
      clientIdMetadataDocumentSupported: clientIdMetadataDocuments.enabled,
    })
    return new Response(JSON.stringify(metadata), {
      headers: { 'Content-Type': JSON_MEDIA_TYPE, 'Cache-Control': 'public, max-age=300' },
    })
  }
}
