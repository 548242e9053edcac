/**
 * How the store's grouped SQLite writes are committed and made durable. A batch is one transaction on the store's own
 * connection (its writes fail alone unless the transaction itself fails), and its callers are answered only once the
 * WAL holding it is on disk.
 *
 * Why on the store's own connection: a commit by any other connection (the writer thread this replaced) empties the
 * page cache of every other connection to the file, so the read at the start of each next request went back to the
 * file for every page it touched (about half again the cost of a warm read); each batch also crossed threads twice.
 * Why the WAL is synced here rather than by SQLite: `synchronous = FULL` makes COMMIT itself fsync, which would block
 * the event loop for milliseconds. Instead the connection runs with `synchronous = NORMAL` (COMMIT writes the WAL
 * frames, no fsync) and {@link walSync} then syncs the WAL file on the thread pool: an acknowledged write is exactly as
 * durable as with FULL, since its commit frame is on disk before its caller hears of it. Checkpoints, which sync both
 * files, run on a thread of their own ({@link startCheckpointer}) so that they never block the event loop either.
 */
import { type FileHandle, open } from 'node:fs/promises'
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

/** Makes every commit made so far durable. */
export interface WalSync {
  /** Resolves once everything committed before the call is on disk; rejects for good after a failed sync. */
  sync(): Promise<void>
  close(): Promise<void>
}

/**
 * Syncs the WAL file of `filename` (fdatasync, as SQLite itself does) on the thread pool. Callers that arrive while a
 * sync is running share the next one: it starts after their commits, so it covers them. A failed sync fails every
 * later call too: after an fsync error the kernel may have dropped the unwritten pages, and a later sync that
 * succeeds would say nothing about them (the reason PostgreSQL stops on such an error).
 */
export function walSync(filename: string): WalSync {
  let handle: Promise<FileHandle> | undefined
  let running: Promise<void> | undefined
  let next: Promise<void> | undefined
  let failure: Error | undefined
  const once = async (): Promise<void> => {
    try {
      // Opened on first use: the WAL file exists once the connection has read or written in WAL mode.
      handle ??= open(`${filename}-wal`, 'r+')
      await (await handle).datasync()
    } catch (err) {
      failure ??= Object.assign(new Error(`the SQLite WAL could not be synced to disk: ${(err as Error).message}`), {
        code: (err as { code?: unknown }).code,
      })
      throw failure
    }
  }
  const start = (): Promise<void> => {
    const current = once().finally(() => {
      if (running === current) running = undefined
    })
    running = current
    return current
  }
  return {
    sync() {
      if (failure !== undefined) return Promise.reject(failure)
      if (running === undefined) return start()
      // A sync is running, but it may have started before this caller's commit: the one after it covers it.
      next ??= running
        .catch(() => {})
        .then(() => {
          next = undefined
          return failure === undefined ? start() : Promise.reject(failure)
        })
      return next
    },
    async close() {
      await Promise.allSettled([running, next])
      const open = await handle?.catch(() => undefined)
      await open?.close()
    },
  }
}

/** Checkpoints of the WAL into the database file, off the event loop. */
export interface Checkpointer {
  /** Asks for a checkpoint soon (at most one runs at a time, and at most one per interval). */
  request(): void
  close(): Promise<void>
}

// The checkpointer's body, run with `eval`: no file to ship beside the compiled module, and it loads better-sqlite3
// the way the store does (resolved from the store module's own location).
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')
const Database = createRequire(workerData.base)('better-sqlite3')
const db = new Database(workerData.filename)
db.pragma('busy_timeout = ' + Number(workerData.busyTimeout))
db.pragma('synchronous = FULL')
parentPort.on('message', () => {
  // PASSIVE: copies what no reader still needs, never waits for or blocks a reader or the writer. A checkpoint that
  // cannot run now (the file is busy) is retried at the next request.
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
  parentPort.postMessage('done')
})
parentPort.postMessage('ready')
`

/**
 * A thread with its own connection to `filename` that checkpoints the WAL when asked, at most once per `intervalMs`.
 * A checkpoint changes no content, so it empties no other connection's page cache. `onExit` is told if the thread
 * dies (the caller then lets its connection checkpoint by itself again).
 */
export async function startCheckpointer(
  filename: string,
  busyTimeoutMs: number,
  onExit: () => void,
  intervalMs = 250,
): Promise<Checkpointer> {
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { base: import.meta.url, filename, busyTimeout: busyTimeoutMs },
    // The parent's flags (a TypeScript loader, a CPU profiler) are not for this small CommonJS body.
    execArgv: [],
  })
  // The thread never keeps the process alive on its own.
  worker.unref()
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  let running = false
  let wanted = false
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const schedule = () => {
    if (!closed && wanted && !running && timer === undefined) timer = setTimeout(run, intervalMs).unref()
  }
  const run = () => {
    timer = undefined
    if (closed || running || !wanted) return
    wanted = false
    running = true
    worker.postMessage('checkpoint')
  }
  worker.on('message', () => {
    running = false
    schedule()
  })
  worker.on('error', () => {})
  worker.on('exit', () => {
    closed = true
    onExit()
  })
  return {
    request() {
      wanted = true
      schedule()
    },
    async close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      worker.removeAllListeners('exit')
      await worker.terminate()
    },
  }
}

/**
 * A writer on the store's own connection. A batch runs on the event loop (statements and COMMIT write to the OS, they
 * do not wait for the disk); `durable`, when given, is awaited before any caller is answered, and a batch whose
 * durability fails fails as a whole (its rows are committed but were never acknowledged).
 */
export function inThreadWriter(
  database: BetterSqlite3.Database,
  prepare: (sql: string) => BetterSqlite3.Statement,
  durable?: () => Promise<void>,
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
  const settle = async (outcomes: WriteOutcome[]): Promise<WriteOutcome[]> => {
    if (durable === undefined || !outcomes.some((o) => o.ok)) return outcomes
    try {
      await durable()
      return outcomes
    } catch (error) {
      return outcomes.map((o) => (o.ok ? { ok: false, error: error as Error } : o))
    }
  }
  return {
    async commit(batch) {
      if (batch.length === 1) return settle([attempt(batch[0]!)])
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
      if (aborted === undefined) return settle(outcomes)
      return batch.map((_, i) => {
        const own = outcomes[i]
        return own !== undefined && !own.ok ? own : { ok: false, error: aborted }
      })
    },
    async close() {},
  }
}
