// The public API of @openxaa/store: named re-exports only (no `export *`); src/internal/ is never exported.

export type {
  AuditActor,
  AuditDecision,
  AuditEvent,
  AuditEventInput,
  AuditLog,
  AuditPage,
  AuditQuery,
  AuditUsage,
  AuditUsageQuery,
} from './audit/event.js'
export { AUDIT_DECISIONS } from './audit/event.js'
export { REDACTED_JWT, REDACTED_SECRET } from './audit/guard.js'
export type { AsAccountRepository } from './auth-server/accounts.js'
export type { AdminApiKeyRepository } from './auth-server/api-keys.js'
export type { AsClientRepository } from './auth-server/clients.js'
export type { IssuerTrustRepository } from './auth-server/issuer-trusts.js'
export type { OrganizationRepository } from './auth-server/organizations.js'
export type {
  RedemptionRows,
  RedemptionRowsKey,
  RedemptionRowsRepository,
} from './auth-server/redemption-rows.js'
export type { AuthServerRepositories } from './auth-server/repositories.js'
export type { AsResourceRepository } from './auth-server/resources.js'
export type { AsRevocationRepository } from './auth-server/revocations.js'
export {
  type AccountLinkKey,
  type AdminApiKey,
  AS_CLIENT_AUTH_METHODS,
  type AsAccount,
  type AsClient,
  type AsClientAuthMethod,
  type AsClientInput,
  type AsResource,
  type IssuerTrust,
  type IssuerTrustInput,
  LINKING_MODES,
  type LinkingMode,
  type Organization,
} from './auth-server/types.js'
export { type Clock, nowMs } from './clock.js'
export { isStoreError, STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.js'
export type { IdpApiKey, IdpApiKeyRepository } from './idp/api-keys.js'
export type { IdpApplication, IdpApplicationRepository, IdpResource } from './idp/applications.js'
export {
  IDP_BLOCK_KINDS,
  type IdpBlock,
  type IdpBlockKind,
  type IdpBlockRepository,
  userConnectionTarget,
} from './idp/blocks.js'
export {
  IDP_CLIENT_AUTH_METHODS,
  type IdpClient,
  type IdpClientAuthMethod,
  type IdpClientInput,
  type IdpClientPatch,
  type IdpClientRepository,
} from './idp/clients.js'
export type {
  IdpConnection,
  IdpConnectionInput,
  IdpConnectionPatch,
  IdpConnectionRepository,
} from './idp/connections.js'
export type {
  IdpExchangeApplication,
  IdpExchangeReads,
  IdpExchangeRows,
  IdpExchangeRowsKey,
  IdpExchangeSubject,
  IdpExchangeTarget,
} from './idp/exchange.js'
export type { IdpGroup, IdpGroupRepository } from './idp/groups.js'
export type { IdpRepositories } from './idp/index.js'
export type { IdpUser, IdpUserInput, IdpUserPatch, IdpUserRepository, IdpUserStatus } from './idp/users.js'
export { jwkThumbprint, type PublicJwk, SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys/generate.js'
export { KEY_ENCRYPTION_KEY_ENV, KEY_ENCRYPTION_KEY_FILE } from './keys/kek.js'
export type { CurrentSigningKey, KeyStore, RotateOptions, SigningKeyInfo } from './keys/store.js'
export { migrations } from './migrations/index.js'
export type { ColumnTypes, Migration, MigrationContext } from './migrations/migration.js'
export type { MigrationResult } from './migrations/runner.js'
export type { AdapterPayload, OidcAdapter, OidcAdapterFactory, OidcModelStore } from './oidc/adapter.js'
export { openStore, type Store, type StoreOptions, type StoreTransaction } from './open.js'
export type { RateLimitRepository } from './rate-limit/repository.js'
export type { ReplayRepository, ReplayStoreOptions } from './replay/store.js'
export type {
  AsAccountLinkTable,
  AsAccountTable,
  AsAdminApiKeyTable,
  AsClientTable,
  AsIssuerTrustTable,
  AsOrganizationTable,
  AsResourceTable,
  AsRevokedTokenTable,
  AuditEventTable,
  Database,
  IdpApiKeyTable,
  IdpApplicationAliasTable,
  IdpApplicationClientTable,
  IdpApplicationTable,
  IdpBlockTable,
  IdpClientTable,
  IdpConnectionTable,
  IdpGroupTable,
  IdpMembershipTable,
  IdpResourceTable,
  IdpUserTable,
  JsonColumn,
  MigrationTable,
  OidcModelTable,
  RateLimitWindowTable,
  ReplayJtiTable,
  SigningKeyTable,
  SqlDialect,
} from './schema.js'
export { DATABASE_URL_ENV, type DatabaseTarget, DEFAULT_DATABASE_URL, parseDatabaseUrl } from './url.js'
