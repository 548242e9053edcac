import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Migration, migrations, type Store } from '../src/index.js'
import { runMigrations } from '../src/migrations/runner.js'
import { BACKENDS, type Backend, backend } from './backends.js'

const ledger = async (store: Store) =>
  (await store.db.selectFrom('openxaa_migration').select('name').orderBy('name').execute()).map((r) => r.name)

describe.each(BACKENDS)('migrations on %s', (name) => {
  let b: Backend
  let store: Store

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open()
  })
  afterAll(() => b?.dispose())

  test('open applies every migration once; migrate() again is a no-op', async () => {
    expect(await ledger(store)).toEqual(migrations.map((m) => m.name))
    expect(await store.migrate()).toEqual({ applied: [], current: migrations.map((m) => m.name) })
    expect(await ledger(store)).toEqual(migrations.map((m) => m.name))
  })

  test('a later release appends a migration: only it runs, with the dialect column types', async () => {
    const added: Migration = {
      name: '9001-test-widget',
      async up(db, { types }) {
        await db.schema
          .createTable('test_widget')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', types.timestamp, (c) => c.notNull())
          .addColumn('doc', types.json)
          .execute()
      },
    }
    const result = await runMigrations(store.db, store.dialect, [...migrations, added], Date.now())
    expect(result.applied).toEqual(['9001-test-widget'])
    await sql`insert into test_widget (id, at, doc) values ('w', ${Date.now()}, ${'{"a":1}'})`.execute(store.db)
    expect((await runMigrations(store.db, store.dialect, [...migrations, added], Date.now())).applied).toEqual([])
  })

  test('a failing migration leaves neither its tables nor a ledger row (DDL is transactional)', async () => {
    const broken: Migration = {
      name: '9002-test-broken',
      async up(db) {
        await db.schema.createTable('test_half').addColumn('id', 'text').execute()
        throw new Error('boom in the middle')
      },
    }
    const all = [...migrations, ...(await ledger(store)).filter((n) => n.startsWith('9001')).map(() => noop9001)]
    await expect(runMigrations(store.db, store.dialect, [...all, broken], Date.now())).rejects.toThrow('boom')
    expect(await ledger(store)).not.toContain('9002-test-broken')
    await expect(sql`select * from test_half`.execute(store.db)).rejects.toThrow()
  })

  test('forward only: a database migrated by a newer release is refused, not rolled back', async () => {
    const newer: Migration = { name: '9999-from-the-future', up: async () => {} }
    const all = [...migrations, ...(await ledger(store)).filter((n) => n.startsWith('9001')).map(() => noop9001)]
    await runMigrations(store.db, store.dialect, [...all, newer], Date.now())
    const err = await runMigrations(store.db, store.dialect, migrations, Date.now()).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'StoreError', code: 'ERR_STORE_MIGRATION_UNKNOWN', oauthError: 'server_error' })
  })

  test('a list out of order is a TypeError', async () => {
    const a: Migration = { name: '0002-b', up: async () => {} }
    const c: Migration = { name: '0001-a', up: async () => {} }
    await expect(runMigrations(store.db, store.dialect, [a, c], Date.now())).rejects.toThrow(TypeError)
  })
})

/** Stands in for the 9001 migration once it has run, so later lists stay a prefix of the ledger. */
const noop9001: Migration = { name: '9001-test-widget', up: async () => {} }
