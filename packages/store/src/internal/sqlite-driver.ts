/**
 * The SQLite driver of the store: one better-sqlite3 connection, prepared statements reused, transactions under
 * BEGIN IMMEDIATE, and group commit for the writes that run outside a transaction.
 *
 * Why group commit: with `synchronous = FULL` every commit fsyncs the WAL (a few milliseconds on a server disk),
 * and better-sqlite3 blocks the event loop while it does. One fsync per replay insert and one per audit event
 * capped a server at a few hundred requests per second. Here, autocommit INSERT/UPDATE/DELETE statements issued in
 * the same turn of the event loop run together in one transaction, one fsync for all, and each caller's promise
 * settles only after that COMMIT returned: every acknowledged write is as durable as before. A statement that fails
 * (a constraint) fails alone, as SQLite rolls back just that statement; an error that ends the whole transaction
 * fails every write of the batch, none of which was acknowledged.
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

type Database = SqliteDatabase.Database
type Statement = SqliteDatabase.Statement<unknown[], unknown>

/** Autocommit statements that may share a transaction with others. Anything else (DDL, PRAGMA) runs on its own. */
const GROUPABLE = /^\s*(?:insert|update|delete|replace)\b/i
/** Prepared statements kept; the store issues a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 500

interface PendingWrite {
  statement: Statement
  parameters: readonly unknown[]
  resolve(result: QueryResult<unknown>): void
  reject(error: unknown): void
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
  readonly #statements = new Map<string, Statement>()
  #owner: Handle | undefined
  #waiting: (() => void)[] = []
  #queue: PendingWrite[] = []
  #scheduled = false
  #flushed: Promise<void> = Promise.resolve()

  constructor(database: Database) {
    this.database = database
  }

  async init(): Promise<void> {}

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
    // Writes already issued are committed (and their callers answered) before the file is closed.
    while (this.#queue.length > 0 || this.#scheduled) await this.#flushed
    this.database.close()
  }

  /** Waits until no other handle's transaction is open on the connection. */
  async ready(handle: Handle): Promise<void> {
    while (this.#owner !== undefined && this.#owner !== handle) await this.#released()
  }

  /** Runs a statement for a handle: in its transaction, grouped with other autocommit writes, or directly. */
  async execute(handle: Handle, query: CompiledQuery): Promise<QueryResult<unknown>> {
    // Outside a transaction, wait for another handle's transaction to end: its uncommitted rows are not ours to
    // read, and a write would become part of it.
    await this.ready(handle)
    const statement = this.#prepare(query.sql)
    if (!handle.inTransaction && GROUPABLE.test(query.sql)) {
      return new Promise((resolve, reject) => {
        this.#queue.push({ statement, parameters: query.parameters, resolve, reject })
        this.#schedule()
      })
    }
    return run(statement, query.parameters)
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
    if (this.#scheduled) return
    this.#scheduled = true
    // setImmediate, not a microtask: requests whose I/O arrived in this turn of the event loop join the batch.
    this.#flushed = new Promise((resolve) => setImmediate(() => this.#flush().finally(resolve)))
  }

  async #flush(): Promise<void> {
    while (this.#owner !== undefined) await this.#released()
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) return
    if (batch.length === 1) {
      const [write] = batch as [PendingWrite]
      settle(write, () => run(write.statement, write.parameters))
      return
    }
    try {
      this.database.exec('begin immediate')
    } catch (err) {
      for (const write of batch) write.reject(err)
      return
    }
    const outcomes: ({ ok: true; result: QueryResult<unknown> } | { ok: false; error: unknown })[] = []
    let aborted: unknown
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, result: run(write.statement, write.parameters) })
      } catch (error) {
        outcomes.push({ ok: false, error })
        // SQLITE_FULL, IOERR and the like may roll the whole transaction back: then nothing of it stands.
        if (!this.database.inTransaction) {
          aborted = error
          break
        }
      }
    }
    if (aborted === undefined) {
      try {
        this.database.exec('commit')
      } catch (err) {
        aborted = err
        if (this.database.inTransaction) this.database.exec('rollback')
      }
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i]
      if (aborted !== undefined) write.reject(outcome?.ok === false ? outcome.error : aborted)
      else if (outcome?.ok) write.resolve(outcome.result)
      else write.reject(outcome?.error)
    })
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

function settle(write: PendingWrite, fn: () => QueryResult<unknown>): void {
  try {
    write.resolve(fn())
  } catch (err) {
    write.reject(err)
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
  constructor(database: Database) {
    super({ database })
    this.#database = database
  }
  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#database)
  }
  override createAdapter(): DialectAdapter {
    return new GroupCommitSqliteAdapter()
  }
}
