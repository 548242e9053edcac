/**
 * One store per role, as three separate deployments would have: SQLite files in the data folder by default, or one
 * PostgreSQL database with a schema per role. A server never reads another role's tables (architecture.md), and two
 * resource ASes in one schema would share their `as_*` tables, so the vendors are kept apart here too.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type Clock, openStore, type Store } from '@openxaa/store'
import pg from 'pg'
import { DemoStartError } from './listen.js'
import type { DemoSettings } from './settings.js'

/** The roles that keep data in a store. */
export type StoreRole = 'idp' | 'notes_as' | 'tasks_as'

/** The three open stores. */
export type DemoStores = Record<StoreRole, Store>

const ROLES: readonly StoreRole[] = ['idp', 'notes_as', 'tasks_as']

/** The files the demo writes into its data folder, and nothing else: `--reset` deletes exactly these. */
export const DATA_FILES = [
  'idp.db',
  'notes-as.db',
  'tasks-as.db',
  'notes.sqlite',
  'tasks.sqlite',
  'key-encryption.key',
  'idp-cookie-keys',
  'demo.json',
  'cli',
] as const

const sqliteFile = (role: StoreRole) => `${role.replace('_', '-')}.db`

/** The PostgreSQL schema of a role. */
export const schemaOf = (prefix: string, role: StoreRole) => `${prefix}_${role}`

/** Where a PostgreSQL URL points, without its user or password. */
function whereIs(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'the configured database'
  }
}

async function withPostgres<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    await client.end().catch(() => {})
    throw new DemoStartError(`cannot reach PostgreSQL at ${whereIs(url)}: ${(err as Error).message}`)
  }
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Deletes the demo's databases and files (only the ones it made: the data folder may hold other things). */
export async function resetDemoData(settings: Pick<DemoSettings, 'dataDir' | 'databaseUrl' | 'schemaPrefix'>) {
  for (const name of DATA_FILES) {
    for (const suffix of name.endsWith('.db') || name.endsWith('.sqlite') ? ['', '-wal', '-shm'] : ['']) {
      rmSync(join(settings.dataDir, `${name}${suffix}`), { recursive: true, force: true })
    }
  }
  const url = settings.databaseUrl
  if (url !== undefined) {
    await withPostgres(url, async (client) => {
      for (const role of ROLES)
        await client.query(`DROP SCHEMA IF EXISTS "${schemaOf(settings.schemaPrefix, role)}" CASCADE`)
    })
  }
}

/** Opens (and migrates) the three stores; they share the data folder's key-encryption key. */
export async function openDemoStores(
  settings: Pick<DemoSettings, 'dataDir' | 'databaseUrl' | 'schemaPrefix'>,
  clock?: Clock,
): Promise<DemoStores> {
  if (!existsSync(settings.dataDir)) mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 })
  const url = settings.databaseUrl
  if (url !== undefined) {
    await withPostgres(url, async (client) => {
      for (const role of ROLES)
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schemaOf(settings.schemaPrefix, role)}"`)
    })
  }
  const opened: Partial<DemoStores> = {}
  try {
    for (const role of ROLES) {
      opened[role] = await openStore({
        ...(url === undefined
          ? { url: `sqlite:${join(settings.dataDir, sqliteFile(role))}` }
          : { url, schema: schemaOf(settings.schemaPrefix, role), maxConnections: 4 }),
        dataDir: settings.dataDir,
        ...(clock === undefined ? {} : { clock }),
      })
    }
  } catch (err) {
    await Promise.all(Object.values(opened).map((s) => s.close()))
    throw err
  }
  return opened as DemoStores
}

/** Closes every store. */
export async function closeDemoStores(stores: DemoStores): Promise<void> {
  await Promise.all(ROLES.map((role) => stores[role].close()))
}
