/**
 * Applies pending migrations in one transaction under a lock, so replicas that start together leave one schema:
 * PostgreSQL takes a transaction-scoped advisory lock per schema, SQLite takes its write lock (BEGIN IMMEDIATE),
 * PGlite has a single connection. DDL is transactional on all three: a failed migration leaves nothing behind.
 */
import { type Kysely, sql } from 'kysely'
import { StoreError } from '../errors.js'
import type { Database, SqlDialect } from '../schema.js'
import { columnTypes, type Migration } from './migration.js'

/** What a migration run did. */
export interface MigrationResult {
  /** Names applied by this run, in order (empty when the schema was already current). */
  applied: string[]
  /** Every migration now recorded in the database. */
  current: string[]
}

/** Checks once that a migration list is well formed: unique names in ascending order. */
export function checkMigrationList(list: readonly Migration[]): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.name >= list[i]!.name) {
      throw new TypeError(`migrations must be listed in ascending name order: ${list[i]!.name}`)
    }
  }
}

/** Runs every pending migration of `list`; idempotent, and safe when several processes call it at once. */
export async function runMigrations(
  db: Kysely<Database>,
  dialect: SqlDialect,
  list: readonly Migration[],
  now: number,
): Promise<MigrationResult> {
  checkMigrationList(list)
  const context = { dialect, types: columnTypes(dialect) }
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      // Keyed by schema so that unrelated schemas (e.g. parallel test runs) on one server do not wait on each other.
      await sql`select pg_advisory_xact_lock(hashtext('openxaa.migrate:' || current_schema()))`.execute(trx)
    }
    await trx.schema
      .createTable('openxaa_migration')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', context.types.timestamp, (c) => c.notNull())
      .execute()
    const done = (await trx.selectFrom('openxaa_migration').select('name').orderBy('name').execute()).map((r) => r.name)
    for (const [i, name] of done.entries()) {
      if (list[i]?.name !== name) {
        throw new StoreError(
          'ERR_STORE_MIGRATION_UNKNOWN',
          `the database has migration "${name}" which this release does not know: it was migrated by a newer release`,
        )
      }
    }
    const applied: string[] = []
    for (const migration of list.slice(done.length)) {
      await migration.up(trx, context)
      await trx.insertInto('openxaa_migration').values({ name: migration.name, applied_at: now }).execute()
      applied.push(migration.name)
    }
    return { applied, current: [...done, ...applied] }
  })
}
