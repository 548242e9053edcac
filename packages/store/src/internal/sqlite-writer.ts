/**
 * Where the store's grouped SQLite writes are committed: on a worker thread with its own connection to the database
 * file, so that the fsync of `synchronous = FULL` (milliseconds, tens of them on a busy disk) never blocks the
 * event loop; or, for an in-memory database that a second connection cannot share, on the caller's connection.
 * Either way a batch is one transaction, its writes fail alone unless the transaction itself fails, and its result
 * comes back only after COMMIT returned.
 */
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'

/** One write of a batch. */
export interface BatchWrite {
  sql: string
  parameters: readonly unknown[]
}

/** What one write did. */
export type WriteOutcome =
  | { ok: true; rows?: unknown[]; changes?: number; lastInsertRowid?: number | bigint }
  | { ok: false; error: Error }

/** Commits batches of writes, one batch at a time. */
export interface SqliteWriter {
  commit(batch: readonly BatchWrite[]): Promise<WriteOutcome[]>
  close(): Promise<void>
}

interface SerializedError {
  name: string
  message: string
  code?: unknown
}

// The worker's body, run with `eval`: no file to ship beside the compiled module, and it loads better-sqlite3 the
// way the store does (resolved from the store module's own location).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')
const Database = createRequire(workerData.base)('better-sqlite3')
const db = new Database(workerData.filename)
db.pragma('synchronous = FULL')
db.pragma('busy_timeout = ' + Number(workerData.busyTimeout))
db.pragma('foreign_keys = ON')
const statements = new Map()
const prepare = (sql) => {
  let s = statements.get(sql)
  if (s === undefined) {
    s = db.prepare(sql)
    if (statements.size >= 500) statements.delete(statements.keys().next().value)
    statements.set(sql, s)
  }
  return s
}
const param = (p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p)
const run = (w) => {
  const s = prepare(w.sql)
  const params = w.parameters.map(param)
  if (s.reader) return { ok: true, rows: s.all(...params) }
  const r = s.run(...params)
  return { ok: true, changes: r.changes, lastInsertRowid: r.lastInsertRowid }
}
const fail = (e) => ({ ok: false, error: { name: e && e.name, message: String(e && e.message), code: e && e.code } })
parentPort.on('message', ({ id, batch }) => {
  const outcomes = []
  if (batch.length === 1) {
    try { outcomes.push(run(batch[0])) } catch (e) { outcomes.push(fail(e)) }
    parentPort.postMessage({ id, outcomes })
    return
  }
  try { db.exec('begin immediate') } catch (e) { parentPort.postMessage({ id, aborted: fail(e).error }); return }
  let aborted
  for (const w of batch) {
    try { outcomes.push(run(w)) } catch (e) {
      outcomes.push(fail(e))
      if (!db.inTransaction) { aborted = fail(e).error; break }
    }
  }
  if (aborted === undefined) {
    try { db.exec('commit') } catch (e) {
      aborted = fail(e).error
      if (db.inTransaction) { try { db.exec('rollback') } catch {} }
    }
  }
  parentPort.postMessage({ id, outcomes, aborted })
})
parentPort.postMessage({ ready: true })
`

function revive(error: SerializedError): Error {
  // The store recognises constraint violations by `code`, as better-sqlite3's SqliteError carries it.
  return Object.assign(new Error(error.message), { name: error.name ?? 'SqliteError', code: error.code })
}

/** A writer on a worker thread with its own connection to `filename`. */
export async function startWorkerWriter(filename: string, busyTimeoutMs: number): Promise<SqliteWriter> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { base: import.meta.url, filename, busyTimeout: busyTimeoutMs },
    // The parent's flags (a TypeScript loader, a CPU profiler) are not for this small CommonJS body.
    execArgv: [],
  })
  // The worker never keeps the process alive on its own; a pending commit does (its caller awaits it).
  worker.unref()
  const pending = new Map<number, (reply: { outcomes?: WriteOutcome[]; aborted?: SerializedError }) => void>()
  let failure: Error | undefined
  const failAll = (err: Error) => {
    failure ??= err
    for (const settle of pending.values()) settle({ aborted: { name: err.name, message: err.message } })
    pending.clear()
  }
  worker.on('error', failAll)
  worker.on('exit', (code) => failAll(new Error(`the SQLite writer thread exited (${code})`)))
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (!m?.ready) return
      worker.off('message', onMessage)
      worker.off('error', reject)
      resolve()
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
  })
  worker.on('message', (m: { id: number; outcomes?: WriteOutcome[]; aborted?: SerializedError }) => {
    const settle = pending.get(m.id)
    pending.delete(m.id)
    settle?.(m)
  })
  let next = 0
  return {
    commit(batch) {
      if (failure !== undefined) return Promise.reject(failure)
      const id = next++
      return new Promise((resolve) => {
        pending.set(id, ({ outcomes, aborted }) => {
          if (aborted !== undefined) {
            const error = revive(aborted)
            resolve(
              batch.map((_, i) => {
                const own = outcomes?.[i]
                return own !== undefined && !own.ok
                  ? { ok: false, error: revive(own.error as never) }
                  : { ok: false, error }
              }),
            )
            return
          }
          resolve(outcomes!.map((o) => (o.ok ? o : { ok: false, error: revive(o.error as never) })))
        })
        worker.postMessage({ id, batch })
      })
    },
    async close() {
      worker.removeAllListeners('exit')
      failAll(new Error('the store is closed'))
      await worker.terminate()
    },
  }
}

/** A writer on the caller's own connection (in-memory databases). It blocks the event loop while it commits. */
export function inThreadWriter(
  database: BetterSqlite3.Database,
  prepare: (sql: string) => BetterSqlite3.Statement,
): SqliteWriter {
  const run = (w: BatchWrite): WriteOutcome => {
    const statement = prepare(w.sql)
    if (statement.reader) return { ok: true, rows: statement.all(...w.parameters) }
    const { changes, lastInsertRowid } = statement.run(...w.parameters)
    return { ok: true, changes, lastInsertRowid }
  }
  const attempt = (w: BatchWrite): WriteOutcome => {
    try {
      return run(w)
    } catch (error) {
      return { ok: false, error: error as Error }
    }
  }
  return {
    async commit(batch) {
      if (batch.length === 1) return [attempt(batch[0]!)]
      try {
        database.exec('begin immediate')
      } catch (error) {
        return batch.map(() => ({ ok: false, error: error as Error }))
      }
      const outcomes: WriteOutcome[] = []
      let aborted: Error | undefined
      for (const w of batch) {
        const outcome = attempt(w)
        outcomes.push(outcome)
        // SQLITE_FULL, IOERR and the like may roll the whole transaction back: then nothing of it stands.
        if (!outcome.ok && !database.inTransaction) {
          aborted = outcome.error
          break
        }
      }
      if (aborted === undefined) {
        try {
          database.exec('commit')
        } catch (error) {
          aborted = error as Error
          if (database.inTransaction) database.exec('rollback')
        }
      }
      if (aborted === undefined) return outcomes
      return batch.map((_, i) => {
        const own = outcomes[i]
        return own !== undefined && !own.ok ? own : { ok: false, error: aborted }
      })
    },
    async close() {},
  }
}
