// Group commit on SQLite: autocommit writes queued together share one transaction (one fsync of the WAL, on the
// thread pool), yet each behaves as if it ran alone, and none is acknowledged before it is committed and synced.
// Checkpoints run on a thread of their own.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isStoreError, openStore, type Store } from '../src/index.js'
import { inThreadWriter, walSync } from '../src/internal/sqlite-writer.js'
import { TEST_KEK } from './backends.js'

const EXP = Math.floor(Date.now() / 1000) + 3600

describe.each(['file', 'memory'] as const)('group commit, %s database', (kind) => {
  let dir: string
  let file: string
  let store: Store

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openxaa-group-commit-'))
    file = join(dir, 'db.sqlite')
    store = await openStore({ url: kind === 'file' ? `sqlite:${file}` : 'sqlite::memory:', keyEncryptionKey: TEST_KEK })
  })
  afterAll(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('one jti sent 50 times at once: exactly one first use', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.replay.firstUse('iss', 'same-jti', EXP)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  test('a failing write in a group fails alone; the others commit', async () => {
    await store.authServer.organizations.create({ id: 'taken' })
    const outcomes = await Promise.allSettled([
      store.replay.firstUse('iss', 'a-1', EXP),
      store.authServer.organizations.create({ id: 'taken' }),
      store.replay.firstUse('iss', 'a-2', EXP),
    ])
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: true })
    expect(outcomes[1]?.status).toBe('rejected')
    expect(isStoreError((outcomes[1] as PromiseRejectedResult).reason)).toBe(true)
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: true })
    expect(await store.replay.firstUse('iss', 'a-1', EXP)).toBe(false)
    expect(await store.replay.firstUse('iss', 'a-2', EXP)).toBe(false)
  })

  test.skipIf(kind === 'memory')(
    'an acknowledged write is committed: another connection to the file sees it at once',
    async () => {
      const other = new SqliteDatabase(file, { readonly: true })
      try {
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.replay.firstUse('iss', `seen-${i}`, EXP)))
        const count = other.prepare("select count(*) as n from replay_jti where jti like 'seen-%'").get() as {
          n: number
        }
        expect(count.n).toBe(20)
      } finally {
        other.close()
      }
    },
  )

  test('a transaction and grouped writes interleave without mixing', async () => {
    const inside = store.transaction(async (tx) => {
      await tx.replay.firstUse('iss', 'tx-1', EXP)
      // Autocommit writes issued while the transaction is open wait for it instead of joining it.
      await new Promise((resolve) => setTimeout(resolve, 20))
      throw new Error('roll back')
    })
    const outside = Promise.all([
      store.replay.firstUse('iss', 'out-1', EXP),
      store.replay.firstUse('iss', 'out-2', EXP),
    ])
    await expect(inside).rejects.toThrow('roll back')
    expect(await outside).toEqual([true, true])
    // The rolled-back transaction's row is gone; the outside writes stand.
    expect(await store.replay.firstUse('iss', 'tx-1', EXP)).toBe(true)
    expect(await store.replay.firstUse('iss', 'out-1', EXP)).toBe(false)
  })

  test('reads outside a transaction never see its uncommitted rows', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const tx = store.transaction(async (t) => {
      await t.authServer.organizations.create({ id: 'uncommitted' })
      await gate
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    const read = store.authServer.organizations.get('uncommitted')
    release()
    await tx
    // The read waited for the transaction and then saw the committed row, never a half-done state.
    expect((await read)?.id).toBe('uncommitted')
  })
})

test('closing the store commits the writes already issued, then closes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-group-commit-close-'))
  const file = join(dir, 'db.sqlite')
  try {
    const store = await openStore({ url: `sqlite:${file}`, keyEncryptionKey: TEST_KEK })
    const writes = Array.from({ length: 10 }, (_, i) => store.replay.firstUse('iss', `closing-${i}`, EXP))
    await store.close()
    expect(await Promise.all(writes)).toEqual(Array(10).fill(true))
    const other = new SqliteDatabase(file, { readonly: true })
    const count = other.prepare("select count(*) as n from replay_jti where jti like 'closing-%'").get() as {
      n: number
    }
    other.close()
    expect(count.n).toBe(10)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the checkpoint thread copies acknowledged rows into the database file without being asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-group-commit-checkpoint-'))
  const file = join(dir, 'db.sqlite')
  try {
    const store = await openStore({ url: `sqlite:${file}`, keyEncryptionKey: TEST_KEK })
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.replay.firstUse('iss', `ckpt-${i}`, EXP)))
      // The database file alone, without its WAL: it holds the rows only once a checkpoint copied them there.
      const copy = join(dir, 'copy.sqlite')
      let n = 0
      for (let attempt = 0; attempt < 50 && n < 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        copyFileSync(file, copy)
        const alone = new SqliteDatabase(copy, { readonly: true })
        try {
          n = (alone.prepare("select count(*) as n from replay_jti where jti like 'ckpt-%'").get() as { n: number }).n
        } catch {
          n = 0 // not even the schema has been copied yet
        } finally {
          alone.close()
        }
        rmSync(copy)
      }
      expect(n).toBe(200)
    } finally {
      await store.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a WAL that cannot be synced fails the sync, and every sync after it', async () => {
  const sync = walSync(join(tmpdir(), 'openxaa-no-such-dir', 'db.sqlite'))
  await expect(sync.sync()).rejects.toThrow('the SQLite WAL could not be synced to disk')
  // A later sync that succeeded would say nothing about the pages the failed one lost: it fails too.
  await expect(sync.sync()).rejects.toThrow('the SQLite WAL could not be synced to disk')
  await sync.close()
})

test('callers arriving while a sync runs share the next one, and all are answered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-group-commit-sync-'))
  const file = join(dir, 'db.sqlite')
  try {
    const db = new SqliteDatabase(file)
    db.pragma('journal_mode = WAL')
    db.exec('create table t (x)')
    const sync = walSync(file)
    await expect(Promise.all(Array.from({ length: 20 }, () => sync.sync()))).resolves.toHaveLength(20)
    await sync.close()
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a batch whose sync fails is not acknowledged: every write of it fails with the reason', async () => {
  const db = new SqliteDatabase(':memory:')
  try {
    db.exec('create table t (x integer primary key)')
    const writer = inThreadWriter(
      db,
      (sql) => db.prepare(sql),
      async () => {
        throw new Error('the SQLite WAL could not be synced to disk: EIO')
      },
    )
    const outcomes = await writer.commit([
      { sql: 'insert into t (x) values (?)', parameters: [1] },
      { sql: 'insert into t (x) values (?)', parameters: [1] },
    ])
    expect(outcomes.map((o) => o.ok)).toEqual([false, false])
    expect(outcomes.map((o) => (o.ok ? '' : o.error.message))).toEqual([
      'the SQLite WAL could not be synced to disk: EIO',
      expect.stringContaining('UNIQUE'),
    ])
  } finally {
    db.close()
  }
})
