/** What a migration is: a name that sorts in order, and a forward-only `up`. */
import type { Kysely } from 'kysely'
import type { SqlDialect } from '../schema.js'

/** Column types that differ between the dialects, so one migration serves both. */
export interface ColumnTypes {
  /** Epoch milliseconds: `bigint` on PostgreSQL, `integer` (64-bit) on SQLite. */
  readonly timestamp: 'bigint' | 'integer'
  /** JSON documents: `jsonb` on PostgreSQL, `text` on SQLite. */
  readonly json: 'jsonb' | 'text'
}

/** What `up` receives besides the transaction: the dialect and its column types. */
export interface MigrationContext {
  readonly dialect: SqlDialect
  readonly types: ColumnTypes
}

/**
 * One schema step. `name` is `NNNN-what` and sorts in apply order; `up` runs inside the migration transaction and
 * never changes once released (forward only: a fix is a new migration).
 */
export interface Migration {
  readonly name: string
  // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was then, not today's Database type
  up(db: Kysely<any>, context: MigrationContext): Promise<void>
}

/** The column types of a dialect. */
export function columnTypes(dialect: SqlDialect): ColumnTypes {
  return dialect === 'postgres' ? { timestamp: 'bigint', json: 'jsonb' } : { timestamp: 'integer', json: 'text' }
}
