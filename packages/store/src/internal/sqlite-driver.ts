/**
 * The SQLite driver of the store: one better-sqlite3 connection for reads, transactions and writes, prepared statements
 * reused, transactions under BEGIN IMMEDIATE, and group commit for the writes that run outside a transaction.
 *
 * Why group commit: every commit must reach the disk (an fsync, milliseconds; tens of them on a busy disk) before it is
 * acknowledged. One fsync per replay insert and one per audit event capped a server at a few hundred requests per
 * second. Here, autocommit INSERT/UPDATE/DELETE statements are queued and committed together in one transaction; the
 * next batch is everything queued while the previous one was being synced. Each caller's promise settles only after
 * its COMMIT is on disk (`sqlite-writer.ts`: the WAL is synced on the thread pool, so the event loop keeps serving
 * while the disk works). A statement that fails (a constraint) fails alone, as SQLite rolls back just that statement;
 * an error that ends the whole transaction fails every write of the batch, none of which was acknowledged.
 * Transactions and other writes are made durable the same way before they return.
 */
import type SqliteDatabase from 'better-sqlite3'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteDialect,
} from 'kysely'
import {
  type Checkpointer,
  inThreadWriter,
  type SqliteWriter,
  startCheckpointer,
  type WalSync,
  type WriteOutcome,
  walSync,
} from './sqlite-writer.js'

type Database = SqliteDatabase.Database
type Statement = SqliteDatabase.Statement<unknown[], unknown>

/** Autocommit statements that may share a transaction with others. Anything else (DDL, PRAGMA) runs on its own. */
const GROUPABLE = /^\s*(?:insert|update|delete|replace)\b/i
/** Prepared statements kept; the store issues a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 500

interface PendingWrite {
  sql: string
  parameters: readonly unknown[]
  resolve(result: QueryResult<unknown>): void
  reject(error: unknown): void
}

/** Where the driver's connection lives: a file (opened in WAL mode with `synchronous = NORMAL`) or memory. */
export interface SqliteDriverOptions {
  /** The database file; absent for an in-memory database (nothing to sync). */
  filename?: string
  busyTimeoutMs: number
}

class Handle implements DatabaseConnection {
  /** True while this handle owns the connection's open transaction. */
  inTransaction = false
  constructor(readonly driver: GroupCommitSqliteDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as Promise<QueryResult<R>>
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    await this.driver.ready(this)
    // A fresh statement: an iterating statement is busy and must not be handed to anyone else.
    for (const row of this.driver.database.prepare(query.sql).iterate(query.parameters)) yield { rows: [row as R] }
  }
}

/** A Kysely driver over one better-sqlite3 connection with statement reuse and group commit. */
export class GroupCommitSqliteDriver implements Driver {
  readonly database: Database
  readonly #options: SqliteDriverOptions
  readonly #statements = new Map<string, Statement>()
  #writer: SqliteWriter | undefined
  #wal: WalSync | undefined
  #checkpointer: Checkpointer | undefined
  #owner: Handle | undefined
  #waiting: (() => void)[] = []
  #queue: PendingWrite[] = []
  #scheduled = false
  #inFlight = false
  #closed = false
  #flushed: Promise<void> = Promise.resolve()

  constructor(database: Database, options: SqliteDriverOptions) {
    this.database = database
    this.#options = options
  }

  async init(): Promise<void> {
    const { filename, busyTimeoutMs } = this.#options
    const prepare = (sql: string) => this.#prepare(sql)
    if (filename === undefined) {
      this.#writer = inThreadWriter(this.database, prepare)
      return
    }
    this.#wal = walSync(filename)
    // Checkpoints sync both files: on their own thread, not in whichever commit crosses the WAL size threshold. If that
    // thread dies, this connection checkpoints by itself again (SQLite's default threshold).
    this.#checkpointer = await startCheckpointer(filename, busyTimeoutMs, () => {
      if (this.database.open) this.database.pragma('wal_autocheckpoint = 1000')
    })
    this.database.pragma('wal_autocheckpoint = 0')
    this.#writer = inThreadWriter(this.database, prepare, () => this.#durable())
  }

  /** Waits until every commit so far is on disk, then lets the WAL be checkpointed. */
  async #durable(): Promise<void> {
    if (this.#wal === undefined) return
    await this.#wal.sync()
    this.#checkpointer?.request()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Handle(this)
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle
    while (this.#owner !== undefined) await this.#released()
    this.#owner = handle
    handle.inTransaction = true
    try {
      // The write lock up front: a second process waits (busy_timeout) instead of failing later with SQLITE_BUSY.
      this.database.exec('begin immediate')
    } catch (err) {
      this.#release(handle)
      throw err
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed COMMIT (SQLITE_BUSY) leaves the transaction open: Kysely then rolls back, which releases.
    this.database.exec('commit')
    this.#release(connection as Handle)
    await this.#durable()
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      if (this.database.inTransaction) this.database.exec('rollback')
    } finally {
      this.#release(connection as Handle)
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#savepointCommand(connection, 'savepoint', name)
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#savepointCommand(connection, 'rollback to', name)
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.#savepointCommand(connection, 'release', name)
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const handle = connection as Handle
    if (handle.inTransaction) await this.rollbackTransaction(handle)
  }

  async destroy(): Promise<void> {
    // Writes already issued are committed (and their callers answered) before the file is closed: a turn of the
    // event loop lets calls still on their way through Kysely reach the queue first.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.#queue.length > 0 || this.#scheduled || this.#inFlight) await this.#flushed
    this.#closed = true
    await this.#writer?.close()
    await this.#checkpointer?.close()
    await this.#wal?.close()
    this.database.close()
  }

  /** Waits until no other handle's transaction is open on the connection. */
  async ready(handle: Handle): Promise<void> {
    while (this.#owner !== undefined && this.#owner !== handle) await this.#released()
  }

  /** Runs a statement for a handle: in its transaction, grouped with other autocommit writes, or directly. */
  async execute(handle: Handle, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (this.#closed) throw new Error('the store is closed')
    // Outside a transaction, wait for another handle's transaction to end: its uncommitted rows are not ours to
    // read, and a write would become part of it.
    await this.ready(handle)
    if (!handle.inTransaction && GROUPABLE.test(query.sql)) {
      return new Promise((resolve, reject) => {
        this.#queue.push({ sql: query.sql, parameters: query.parameters, resolve, reject })
        this.#schedule()
      })
    }
    const statement = this.#prepare(query.sql)
    const result = run(statement, query.parameters)
    // A write outside any transaction (DDL, PRAGMA) committed on its own: it too is on disk before it returns.
    if (!handle.inTransaction && !statement.reader) await this.#durable()
    return result
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      statement = this.database.prepare(sql) as Statement
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value as string)
      }
      this.#statements.set(sql, statement)
    }
    return statement
  }

  async #savepointCommand(connection: DatabaseConnection, command: string, name: string): Promise<void> {
    await this.ready(connection as Handle)
    this.database.exec(`${command} "${name.replaceAll('"', '""')}"`)
  }

  #released(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  #release(handle: Handle): void {
    handle.inTransaction = false
    if (this.#owner !== handle) return
    this.#owner = undefined
    const waiting = this.#waiting
    this.#waiting = []
    for (const wake of waiting) wake()
  }

  #schedule(): void {
    // One batch at a time: what queues while a batch commits is the next batch.
    if (this.#scheduled || this.#inFlight) return
    this.#scheduled = true
    // setImmediate, not a microtask: requests whose I/O arrived in this turn of the event loop join the batch.
    this.#flushed = new Promise((resolve) => setImmediate(() => this.#flush().finally(resolve)))
  }

  async #flush(): Promise<void> {
    // Not while a transaction of this connection holds the write lock: the batch would only wait on it.
    while (this.#owner !== undefined) await this.#released()
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) return
    this.#inFlight = true
    let outcomes: WriteOutcome[]
    try {
      outcomes = await this.#writer!.commit(batch.map(({ sql, parameters }) => ({ sql, parameters })))
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error: error as Error }))
    } finally {
      this.#inFlight = false
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i]
      if (outcome?.ok) write.resolve(toResult(outcome))
      else write.reject(outcome?.error ?? new Error('the write was not committed'))
    })
    if (this.#queue.length > 0) this.#schedule()
  }
}

function toResult(outcome: WriteOutcome & { ok: true }): QueryResult<unknown> {
  if (outcome.rows !== undefined) return { rows: outcome.rows }
  return {
    insertId: outcome.lastInsertRowid != null ? BigInt(outcome.lastInsertRowid) : undefined,
    numAffectedRows: outcome.changes != null ? BigInt(outcome.changes) : undefined,
    rows: [],
  }
}

function run(statement: Statement, parameters: readonly unknown[]): QueryResult<unknown> {
  if (statement.reader) return { rows: statement.all(...parameters) }
  const { changes, lastInsertRowid } = statement.run(...parameters)
  return {
    insertId: lastInsertRowid != null ? BigInt(lastInsertRowid) : undefined,
    numAffectedRows: changes != null ? BigInt(changes) : undefined,
    rows: [],
  }
}

class GroupCommitSqliteAdapter extends SqliteAdapter {
  // The driver serialises transactions itself; Kysely's single-connection mutex would forbid grouping writes.
  override get supportsMultipleConnections(): boolean {
    return true
  }
}

/** Kysely's SQLite dialect with {@link GroupCommitSqliteDriver}. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #database: Database
  readonly #options: SqliteDriverOptions
  constructor(database: Database, options: SqliteDriverOptions) {
    super({ database })
    this.#database = database
    this.#options = options
  }
  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#database, this.#options)
  }
  override createAdapter(): DialectAdapter {
    return new GroupCommitSqliteAdapter()
  }
}
