// The public API of @openxaa/auth-server: named re-exports only (no `export *`); src/internal/ is never exported.

export { AdminError } from './admin/errors.js'
export {
  type AdminActor,
  type AdminService,
  type AdminServiceDeps,
  createAdminService,
  type NewClientInput,
} from './admin/service.js'
export { AUDIT_ACTIONS } from './audit.js'
export {
  type AuthenticatedClient,
  authenticateClient,
  type ClientAuthenticationRequest,
} from './client-auth/authenticate.js'
export {
  type ClientMetadataDocument,
  isClientMetadataDocumentUrl,
  loadClientMetadataDocument,
} from './client-auth/metadata-document.js'
export { type AuthServerDeps, createRedemptionContext, type Logger, type RedemptionContext } from './context.js'
export { type RedeemedAccessToken, type RedeemIdJagRequest, redeemIdJag } from './grants/jwt-bearer.js'
export {
  ALLOW_LOOPBACK_CLIENT_METADATA,
  ALLOW_PRIVATE_NETWORK_CLIENT_METADATA,
  type AuthServerEndpoints,
  type AuthServerOptions,
  type ClientMetadataDocumentOptions,
  parseOptions,
  type ResolvedOptions,
} from './options.js'
export { type AuthServer, createAuthServer, type OperationsDeps } from './server.js'
