/**
 * The three backends every store test runs on: SQLite in a temp file, PGlite in memory, and a real PostgreSQL
 * server (OPENXAA_TEST_POSTGRES_URL, else postgres://root@127.0.0.1:5432/test), each run in its own schema. With no
 * server: under CI=true (or an explicit OPENXAA_TEST_POSTGRES_URL) the suite fails; otherwise it says so and runs
 * the PostgreSQL leg on PGlite.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openStore, type Store, type StoreOptions } from '../src/index.js'

export const TEST_KEK = randomBytes(32).toString('base64url')

/** A clock the tests move by hand. */
export class TestClock {
  now = Date.UTC(2026, 0, 1)
  readonly fn = () => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

export interface Backend {
  /** `sqlite`, `pglite`, or `postgres` (the real server, or PGlite standing in for it). */
  name: 'sqlite' | 'pglite' | 'postgres'
  /** True when `postgres` runs on a real server. */
  real: boolean
  /** Opens a store; every store of one backend shares one database (replicas). */
  open(options?: StoreOptions): Promise<Store>
  /** Drops what the backend created. */
  dispose(): Promise<void>
}

const DEFAULT_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/test'
let reachable: Promise<string | undefined> | undefined

function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'the configured URL'
  }
}

/** The real PostgreSQL URL, or undefined (with a loud message) when the server is unreachable outside CI. */
export function realPostgresUrl(): Promise<string | undefined> {
  reachable ??= (async () => {
    const explicit = process.env.OPENXAA_TEST_POSTGRES_URL
    const url = explicit || DEFAULT_POSTGRES_URL
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
      await client.query('select 1')
      return url
    } catch (err) {
      const why = `PostgreSQL at ${describeUrl(url)} is unreachable (${(err as Error).message})`
      if (process.env.CI === 'true' || explicit) {
        throw new Error(`${why}; CI=true or OPENXAA_TEST_POSTGRES_URL requires the real server: start it (.ci/run)`)
      }
      console.warn(`\n*** store tests: ${why}. The real-PostgreSQL run is REPLACED BY PGlite on this machine. ***\n`)
      return undefined
    } finally {
      await client.end().catch(() => {})
    }
  })()
  return reachable
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-store-'))
  return {
    name: 'sqlite',
    real: true,
    open: (options) =>
      openStore({ url: `sqlite:${join(dir, 'openxaa.db')}`, keyEncryptionKey: TEST_KEK, dataDir: dir, ...options }),
    async dispose() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function pgliteBackend(name: 'pglite' | 'postgres'): Backend {
  // One in-process database has one owner; "replicas" share its store.
  let shared: Promise<Store> | undefined
  return {
    name,
    real: false,
    open(options) {
      shared ??= openStore({ url: 'pglite:memory:', keyEncryptionKey: TEST_KEK, ...options })
      return shared
    },
    async dispose() {
      if (shared) await (await shared).close()
    },
  }
}

/** A fresh schema on the real server, dropped (CASCADE) on dispose. */
export async function postgresSchema(url: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `openxaa_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`create schema ${schema}`)
  } finally {
    await client.end()
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      try {
        await c.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await c.end()
      }
    },
  }
}

async function postgresBackend(): Promise<Backend> {
  const url = await realPostgresUrl()
  if (!url) return pgliteBackend('postgres')
  const { schema, drop } = await postgresSchema(url)
  const opened: Store[] = []
  return {
    name: 'postgres',
    real: true,
    async open(options) {
      const store = await openStore({ url, schema, keyEncryptionKey: TEST_KEK, maxConnections: 5, ...options })
      opened.push(store)
      return store
    },
    async dispose() {
      await Promise.all(opened.map((s) => s.close().catch(() => {})))
      await drop()
    },
  }
}

/** Names of the backends, for `describe.each`. */
export const BACKENDS = ['sqlite', 'pglite', 'postgres'] as const

/** Builds one backend by name. */
export async function backend(name: (typeof BACKENDS)[number]): Promise<Backend> {
  if (name === 'sqlite') return sqliteBackend()
  if (name === 'pglite') return pgliteBackend('pglite')
  return postgresBackend()
}
