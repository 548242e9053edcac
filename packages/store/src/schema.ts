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
  /** Null while the key is current; else when it stops being published. */
  retire_at: number | null
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
export interface Database {
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
}

/** The SQL a backend speaks: PGlite speaks `postgres`. */
export type SqlDialect = 'sqlite' | 'postgres'
