/** Opens one of the three backends behind a Kysely instance with the settings the store relies on. */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PGliteDialect,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely'
import pg from 'pg'
import type { Database, SqlDialect } from '../schema.js'
import type { DatabaseTarget } from '../url.js'

/** How long a SQLite writer waits for another process's write lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000
const PG_INT8 = 20

export interface Connection {
  db: Kysely<Database>
  dialect: SqlDialect
  backend: DatabaseTarget['backend']
}

export interface ConnectOptions {
  /** PostgreSQL only: the schema to use (search_path), e.g. one per test run. */
  schema?: string | undefined
  /** PostgreSQL only: pool size. */
  maxConnections?: number | undefined
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a second process waits
 * (busy_timeout) instead of failing with SQLITE_BUSY when a read transaction later tries to write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
}

function openSqlite(filename: string, memory: boolean): Kysely<Database> {
  if (!memory) mkdirSync(dirname(filename), { recursive: true })
  const database = new SqliteDatabase(filename)
  try {
    if (!memory) {
      const mode = database.pragma('journal_mode = WAL', { simple: true })
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)})`)
    }
    // FULL, not NORMAL: in WAL mode NORMAL survives a process crash but may lose the last commits on power loss, and
    // a lost commit here is a forgotten jti (a replay) or a missing audit event. FULL fsyncs the WAL on every commit.
    database.pragma('synchronous = FULL')
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
    database.pragma('foreign_keys = ON')
  } catch (err) {
    database.close()
    throw err
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) })
}

function openPostgres(connectionString: string, options: ConnectOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    // Timestamps are epoch milliseconds in int8 columns: read them as numbers (exact below 2^53), per pool, not
    // through pg's process-wide type registry.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8 && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  })
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

function openPglite(dataDir: string | undefined): Kysely<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const pglite = new PGlite(dataDir, { parsers: { [PG_INT8]: (value: string) => Number(value) } })
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Opens the backend a {@link DatabaseTarget} names. */
export function connect(target: DatabaseTarget, options: ConnectOptions = {}): Connection {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new TypeError('options.schema must be a lower-case SQL identifier')
  }
  switch (target.backend) {
    case 'sqlite':
      return { db: openSqlite(target.filename, target.memory), dialect: 'sqlite', backend: 'sqlite' }
    case 'postgres':
      return { db: openPostgres(target.connectionString, options), dialect: 'postgres', backend: 'postgres' }
    case 'pglite':
      return { db: openPglite(target.dataDir), dialect: 'postgres', backend: 'pglite' }
  }
}
