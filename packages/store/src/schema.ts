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

/** Every table of the schema. */
export interface Database {
  openxaa_migration: MigrationTable
  replay_jti: ReplayJtiTable
  audit_event: AuditEventTable
  signing_key: SigningKeyTable
  oidc_model: OidcModelTable
}

/** The SQL a backend speaks: PGlite speaks `postgres`. */
export type SqlDialect = 'sqlite' | 'postgres'
