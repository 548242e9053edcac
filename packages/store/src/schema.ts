/**
 * The tables of the one schema, as Kysely sees them. Each later issue adds its tables here and in a new migration.
 *
 * Conventions that keep SQLite and PostgreSQL identical:
 * - timestamps are integers: epoch **milliseconds** (`bigint` on PostgreSQL, `integer` on SQLite), columns `*_at`;
 * - JSON is `jsonb` on PostgreSQL and `text` on SQLite: write with `toJson()`, read with `fromJson()`;
 * - names are snake_case and singular.
 */
import type { ColumnType, Generated } from 'kysely'

/** A JSON column: written as a JSON string (see `toJson`), read as parsed JSON on PostgreSQL and text on SQLite. */
export type JsonColumn = ColumnType<unknown, string, string>

/** Forward-only migration ledger, one row per applied migration. */
export interface MigrationTable {
  name: string
  applied_at: number
}

/** Redeemed `(iss, jti)` pairs, kept until `exp_at` plus a leeway (spec section 8.1). */
export interface ReplayJtiTable {
  iss: string
  jti: string
  exp_at: number
  used_at: number
}

/** Append-only audit events. */
export interface AuditEventTable {
  id: Generated<number>
  at: number
  actor_type: string
  actor_id: string
  action: string
  decision: string
  reason: string | null
  rule: string | null
  detail: string | null
  user_id: string | null
  subject: string | null
  client_id: string | null
  resource: string | null
  audience: string | null
  issuer: string | null
  organization: string | null
  tenant: string | null
  request_id: string | null
  data: JsonColumn | null
  /** How many values the token guard replaced before the row was written. */
  redacted: number
}

/** Signing keys per purpose; `private_key` is an AES-256-GCM envelope, never plaintext. */
export interface SigningKeyTable {
  kid: string
  purpose: string
  alg: string
  public_jwk: JsonColumn
  private_key: string
  created_at: number
  /** Null while the key is the newest of its purpose; else when it stops being published. */
  retire_at: number | null
  /** When the key starts signing (epoch ms); it is published from creation. 0 for keys made before migration 0006. */
  activate_at: ColumnType<number, number | undefined, number>
}

/** oidc-provider models (sessions, grants, codes, tokens…), one row per (model, id). */
export interface OidcModelTable {
  model: string
  id: string
  payload: JsonColumn
  grant_id: string | null
  user_code: string | null
  uid: string | null
  expires_at: number | null
  consumed_at: number | null
  /** The account (IdP user id) of sessions, grants and tokens; set by the adapter from `payload.accountId`. */
  account_id: ColumnType<string | null, string | null | undefined, string | null>
}

/** IdP users. Booleans are integers 0/1 on both dialects. */
export interface IdpUserTable {
  id: string
  username: string
  email: string | null
  email_verified: number
  name: string | null
  /** `scrypt$…` (memory-hard); null when the user cannot sign in with a password. */
  password_hash: string | null
  status: string
  roles: JsonColumn
  created_at: number
  updated_at: number
}

/** IdP groups. */
export interface IdpGroupTable {
  id: string
  name: string
  description: string | null
  created_at: number
}

/** Group membership. */
export interface IdpMembershipTable {
  group_id: string
  user_id: string
  created_at: number
}

/** OIDC clients (the AI applications, relying parties of the IdP). */
export interface IdpClientTable {
  client_id: string
  name: string
  /** `sha256$…` of a high-entropy generated secret; null for private_key_jwt and public clients. */
  secret_hash: string | null
  jwks: JsonColumn | null
  token_endpoint_auth_method: string
  application_type: string
  redirect_uris: JsonColumn
  post_logout_redirect_uris: JsonColumn
  grant_types: JsonColumn
  first_party: number
  enabled: number
  created_at: number
  updated_at: number
}

/** Resource applications: a vendor's resource authorization server, known by its issuer. */
export interface IdpApplicationTable {
  id: string
  name: string
  issuer: string
  include_email: number
  created_at: number
  updated_at: number
}

/** Other names a client may send as `audience` for an application. */
export interface IdpApplicationAliasTable {
  alias: string
  application_id: string
}

/** MCP resources (RFC 9728 resource identifiers) an application governs, with the scopes each offers. */
export interface IdpResourceTable {
  application_id: string
  uri: string
  name: string | null
  scopes: JsonColumn
  created_at: number
}

/** The `client_id` an IdP client has at an application's resource AS. */
export interface IdpApplicationClientTable {
  application_id: string
  client_id: string
  ras_client_id: string
}

/** Managed connections: client C may reach resource R of application A for groups G with at most scopes S. */
export interface IdpConnectionTable {
  id: string
  client_id: string
  application_id: string
  resource: string
  groups: JsonColumn
  scopes: JsonColumn
  enabled: number
  max_auth_age: number | null
  consent_granted_by: string
  consent_granted_at: number
  created_at: number
  updated_at: number
}

/** Blocks that win over every connection: a user, a client or an application, until a date (null: until lifted). */
export interface IdpBlockTable {
  id: string
  kind: string
  target: string
  until_at: number | null
  reason: string | null
  created_by: string
  created_at: number
}

/** Admin API keys, stored as hashes. */
export interface IdpApiKeyTable {
  id: string
  name: string
  key_hash: string
  created_by: string
  created_at: number
  revoked_at: number | null
}

/** Resource AS: an enterprise customer of the SaaS vendor (migration 0003). */
export interface AsOrganizationTable {
  id: string
  name: string
  created_at: number
  updated_at: number
}

/** Resource AS: an ID-JAG issuer an organization trusts (decision 7); disabled until an admin enables it. */
export interface AsIssuerTrustTable {
  id: string
  organization_id: string
  issuer: string
  tenant: string | null
  /** `tenant`, or '' when none is pinned: (issuer, tenant_key) is unique. */
  tenant_key: string
  jwks_uri: string | null
  jwks: JsonColumn | null
  /** JSON array of client ids; null means any client registered here. */
  allowed_client_ids: JsonColumn | null
  /** `subject`, `email` or `jit`. */
  linking_mode: string
  /** JSON array of lower-case domains whose verified emails may link accounts. */
  email_domains: JsonColumn | null
  /** 0 or 1. */
  enabled: number
  metadata_verified_at: number | null
  created_at: number
  updated_at: number
}

/** Resource AS: a registered OAuth client (decision 6). */
export interface AsClientTable {
  client_id: string
  organization_id: string | null
  name: string | null
  /** scrypt hash of the client secret, never the secret. */
  secret_hash: string | null
  jwks: JsonColumn | null
  jwks_uri: string | null
  /** JSON array of token endpoint auth methods. */
  auth_methods: JsonColumn
  /** 0 or 1. */
  enabled: number
  created_at: number
  updated_at: number
}

/** Resource AS: an MCP server it issues access tokens for. */
export interface AsResourceTable {
  uri: string
  name: string
  /** JSON array of scope tokens. */
  scopes: JsonColumn
  created_at: number
  updated_at: number
}

/** Resource AS: a local account inside an organization. */
export interface AsAccountTable {
  id: string
  organization_id: string
  email: string | null
  created_at: number
}

/** Resource AS: (organization, issuer, tenant, sub) → local account (2(d) step 10). */
export interface AsAccountLinkTable {
  organization_id: string
  issuer: string
  tenant_key: string
  subject: string
  account_id: string
  created_at: number
}

/** Resource AS: revoked access token `jti`s, kept until the token's `exp` (RFC 7009). */
export interface AsRevokedTokenTable {
  jti: string
  client_id: string
  exp_at: number
  revoked_at: number
}

/** Resource AS: admin API keys, stored as SHA-256 hashes. */
export interface AsAdminApiKeyTable {
  id: string
  name: string
  key_hash: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

/** Every table of the schema. */
/** `rate_limit_window`: a fixed window's request count per key (migration 0005). */
export interface RateLimitWindowTable {
  key: string
  /** Epoch ms the window starts. */
  window_start: number
  count: number
}

export interface Database {
  rate_limit_window: RateLimitWindowTable
  openxaa_migration: MigrationTable
  replay_jti: ReplayJtiTable
  audit_event: AuditEventTable
  signing_key: SigningKeyTable
  oidc_model: OidcModelTable
  as_organization: AsOrganizationTable
  as_issuer_trust: AsIssuerTrustTable
  as_client: AsClientTable
  as_resource: AsResourceTable
  as_account: AsAccountTable
  as_account_link: AsAccountLinkTable
  as_revoked_token: AsRevokedTokenTable
  as_admin_api_key: AsAdminApiKeyTable
  idp_user: IdpUserTable
  idp_group: IdpGroupTable
  idp_membership: IdpMembershipTable
  idp_client: IdpClientTable
  idp_application: IdpApplicationTable
  idp_application_alias: IdpApplicationAliasTable
  idp_resource: IdpResourceTable
  idp_application_client: IdpApplicationClientTable
  idp_connection: IdpConnectionTable
  idp_block: IdpBlockTable
  idp_api_key: IdpApiKeyTable
}

/** The SQL a backend speaks: PGlite speaks `postgres`. */
export type SqlDialect = 'sqlite' | 'postgres'
