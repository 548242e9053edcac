// A PostgreSQL connection lost under a running query (a network drop or a proxy closing it, no PostgreSQL error
// message): the query rejects (a message `@openxaa/ops` reads as the database being unavailable) and the process
// lives on; a server that stops
// answering fails new queries after `connectTimeoutMs` instead of holding them.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createOutageDatabase,
  type OutageDatabase,
  postgresForFaults,
  type SilentProxy,
  startSilentProxy,
} from '../../../test/support/postgres-outage.js'
import { openStore, type Store } from '../src/index.js'

const postgresRuns = await postgresForFaults()

describe.skipIf(!postgresRuns)('PostgreSQL connection loss', () => {
  let database: OutageDatabase | undefined
  let proxy: SilentProxy | undefined
  let store: Store | undefined
  beforeAll(async () => {
    database = await createOutageDatabase('oxstoreloss')
    proxy = await startSilentProxy()
    store = await openStore({
      url: proxy.through(database.url),
      keyEncryptionKey: randomBytes(32).toString('base64url'),
      connectTimeoutMs: 3000,
    })
  })
  afterAll(async () => {
    proxy?.restore()
    await store?.close()
    await proxy?.close()
    await database?.drop()
  })

  test('a query whose connection drops rejects; the next one waits at most connectTimeoutMs; then recovery', async () => {
    const running = sql`select pg_sleep(5)`.execute(store!.db)
    await new Promise((r) => setTimeout(r, 300))
    proxy!.silence()
    const lost = await running.catch((err: unknown) => err)
    expect((lost as Error).message).toMatch(/Connection terminated/)
    const waiting = await sql`select 1`.execute(store!.db).catch((err: unknown) => err)
    expect((waiting as Error).message).toMatch(/connection timeout|timeout exceeded when trying to connect/)
    proxy!.restore()
    expect((await sql<{ one: number }>`select 1 as one`.execute(store!.db)).rows).toEqual([{ one: 1 }])
  })

  test('connectTimeoutMs must be a positive integer', async () => {
    await expect(openStore({ url: database!.url, connectTimeoutMs: 0 })).rejects.toThrow(/connectTimeoutMs/)
  })
})
