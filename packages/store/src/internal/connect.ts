/**
 * Opens one of the three backends behind a Kysely instance with the settings the store relies on. Each backend's
 * driver is imported when a store opens it, not when the store module loads: `pg` and PGlite (a WebAssembly
 * PostgreSQL) cost a command-line start that only wants SQLite hundreds of milliseconds.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import type { Database, SqlDialect } from '../schema.js'
import type { DatabaseTarget } from '../url.js'
import { useNamedStatements } from './pg-named.js'

/** How long a SQLite writer waits for another process's write lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000
const PG_INT8 = 20
const PG_CONNECT_TIMEOUT_MS = 10_000

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
  /** PostgreSQL only: the longest wait for a connection, new or pooled. */
  connectTimeoutMs?: number | undefined
  /**
   * PostgreSQL only: run repeated statements as named prepared statements (default true; `pg-named.ts`). Off for a
   * pooler that cannot keep them per connection (PgBouncer in transaction mode before 1.21).
   */
  namedStatements?: boolean | undefined
}

async function openSqlite(filename: string, memory: boolean): Promise<Kysely<Database>> {
  const [sqliteModule, { GroupCommitSqliteDialect }] = await Promise.all([
    import('better-sqlite3'),
    import('./sqlite-driver.js'),
  ])
  // A CommonJS module: its constructor is the namespace's default export.
  const SqliteDatabase = (sqliteModule as unknown as { default: typeof BetterSqlite3 }).default
  if (!memory) mkdirSync(dirname(filename), { recursive: true })
  const database = new SqliteDatabase(filename)
  try {
    if (!memory) {
      const mode = database.pragma('journal_mode = WAL', { simple: true })
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)})`)
    }
    // NORMAL alone survives a process crash but may lose the last commits on power loss, and a lost commit here is a
    // forgotten jti (a replay) or a missing audit event. The driver therefore syncs the WAL itself after every commit,
    // on the thread pool, before the commit is acknowledged: as durable as FULL, whose COMMIT would block the event
    // loop on the fsync (sqlite-driver.ts, sqlite-writer.ts).
    database.pragma('synchronous = NORMAL')
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
    database.pragma('foreign_keys = ON')
  } catch (err) {
    database.close()
    throw err
  }
  const options = { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS, ...(memory ? {} : { filename }) }
  return new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(database, options) })
}

async function openPostgres(connectionString: string, options: ConnectOptions): Promise<Kysely<Database>> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    // Bounded: a server gone silent (no RST, no answer) fails the request with "timeout exceeded when trying to
    // connect", a 503, instead of holding it until TCP gives up. Keep-alive notices a dead peer of an idle connection.
    connectionTimeoutMillis: options.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
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
  // So does a client checked out of the pool (pg-pool listens only while it is idle) whose connection ends without a
  // PostgreSQL error message: a network drop, a proxy or a crashed server. Its queries reject (503 upstream); the
  // event itself must not be an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => {}))
  if (options.namedStatements !== false) useNamedStatements(pool)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

async function openPglite(dataDir: string | undefined): Promise<Kysely<Database>> {
  const { PGlite } = await import('@electric-sql/pglite')
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const pglite = new PGlite(dataDir, { parsers: { [PG_INT8]: (value: string) => Number(value) } })
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Opens the backend a {@link DatabaseTarget} names. */
export async function connect(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Connection> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new TypeError('options.schema must be a lower-case SQL identifier')
  }
  switch (target.backend) {
    case 'sqlite':
      return { db: await openSqlite(target.filename, target.memory), dialect: 'sqlite', backend: 'sqlite' }
    case 'postgres':
      return { db: await openPostgres(target.connectionString, options), dialect: 'postgres', backend: 'postgres' }
    case 'pglite':
      return { db: await openPglite(target.dataDir), dialect: 'postgres', backend: 'pglite' }
  }
}
