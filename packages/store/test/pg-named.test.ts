// Named statements on the real PostgreSQL server: repeated texts are prepared once per connection, a schema change
// that alters a result type does not break them, and the number of named texts is bounded.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../src/index.js'
import { MAX_NAMED_TEXTS, useNamedStatements } from '../src/internal/pg-named.js'
import { postgresSchema, realPostgresUrl, TEST_KEK } from './backends.js'

const url = await realPostgresUrl()

describe.skipIf(!url)('named statements on PostgreSQL', () => {
  let pool: pg.Pool
  // Kysely's way: a client from the pool, `query(text, values)` (the pool's own `query` passes a callback).
  let client: pg.PoolClient
  let drop: () => Promise<void>

  beforeAll(async () => {
    const made = await postgresSchema(url!)
    drop = made.drop
    pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${made.schema}` })
    useNamedStatements(pool)
    client = await pool.connect()
    await client.query('create table t (a int)', [])
    await client.query('insert into t values (1)', [])
  })
  afterAll(async () => {
    client?.release()
    await pool?.end()
    await drop?.()
  })

  const prepared = async () =>
    (await client.query({ text: "select name from pg_prepared_statements where name like 'oxa_%'" })).rows.length

  test('a repeated text is prepared once on the connection and answers as before', async () => {
    const before = await prepared()
    for (let i = 0; i < 3; i++) {
      expect((await client.query('select a from t where a = $1', [1])).rows).toEqual([{ a: 1 }])
    }
    expect(await prepared()).toBe(before + 1)
  })

  test('a result type changed by a migration: the statement is run again unnamed, and keeps working', async () => {
    expect((await client.query('select * from t where a = $1', [1])).rows).toEqual([{ a: 1 }])
    await client.query('alter table t add column b text', [])
    expect((await client.query('select * from t where a = $1', [1])).rows).toEqual([{ a: 1, b: null }])
    expect((await client.query('select * from t where a = $1', [1])).rows).toEqual([{ a: 1, b: null }])
  })

  test('at most MAX_NAMED_TEXTS texts are named; later ones run unnamed', async () => {
    for (let i = 0; i < MAX_NAMED_TEXTS + 10; i++) {
      expect((await client.query(`select a + ${i} as v from t where a = $1`, [1])).rows[0].v).toBe(1 + i)
    }
    expect(await prepared()).toBeLessThanOrEqual(MAX_NAMED_TEXTS)
  })

  test('errors other than a changed result type are the caller’s, unchanged', async () => {
    const err = await client.query('select nope from t where a = $1', [1]).catch((e) => e)
    expect(err.code).toBe('42703')
  })
})

describe.skipIf(!url)('the store on PostgreSQL', () => {
  for (const [setting, expected] of [
    [undefined, true],
    ['off', false],
  ] as const) {
    test(`OPENXAA_DATABASE_NAMED_STATEMENTS=${setting ?? '(unset)'}: named statements ${expected ? 'on' : 'off'}`, async () => {
      const { schema, drop } = await postgresSchema(url!)
      const env = setting === undefined ? {} : { OPENXAA_DATABASE_NAMED_STATEMENTS: setting }
      const store = await openStore({ url: url!, schema, keyEncryptionKey: TEST_KEK, env, maxConnections: 1 })
      try {
        for (let i = 0; i < 2; i++) await store.authServer.resources.get('https://r.example')
        const rows = await store.db
          .selectFrom('pg_prepared_statements' as never)
          .select('name' as never)
          .execute()
        expect(rows_(rows).some((n) => n.startsWith('oxa_'))).toBe(expected)
      } finally {
        await store.close()
        await drop()
      }
    })
  }
})

const rows_ = (rows: unknown[]) => rows.map((r) => String((r as { name: string }).name))
