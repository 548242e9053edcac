import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, test } from 'vitest'
import { DEFAULT_DATABASE_URL, openStore, parseDatabaseUrl } from '../src/index.js'

describe('database URL', () => {
  const good = [
    ['sqlite:./data/openxaa.db', { backend: 'sqlite', filename: './data/openxaa.db', memory: false }],
    ['sqlite:///var/lib/openxaa.db', { backend: 'sqlite', filename: '/var/lib/openxaa.db' }],
    ['sqlite::memory:', { backend: 'sqlite', memory: true }],
    ['postgres://app:pw@db.internal:5432/openxaa', { backend: 'postgres', dialect: 'postgres' }],
    ['postgresql://db.internal/openxaa?sslmode=require', { backend: 'postgres' }],
    ['pglite:./data/pg', { backend: 'pglite', dialect: 'postgres', dataDir: './data/pg' }],
    ['pglite:memory:', { backend: 'pglite', dataDir: undefined }],
  ] as const
  for (const [url, expected] of good) {
    test(`accepts ${url}`, () => expect(parseDatabaseUrl(url)).toMatchObject(expected))
  }

  test('the default is SQLite in ./data', () => {
    expect(parseDatabaseUrl(DEFAULT_DATABASE_URL)).toMatchObject({ backend: 'sqlite', filename: './data/openxaa.db' })
  })

  const bad = [
    '',
    'mysql://root:hunter2@db/x',
    'sqlite:',
    'pglite:',
    'postgres://',
    '/just/a/path',
    'postgres://:5432/db',
  ]
  for (const url of bad) {
    test(`refuses ${JSON.stringify(url)} with a TypeError naming the setting, never echoing a password`, () => {
      const err = (() => {
        try {
          parseDatabaseUrl(url)
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(TypeError)
      expect((err as Error).message).toMatch(/^OPENXAA_DATABASE_URL/)
      expect((err as Error).message).not.toContain('hunter2')
    })
  }

  test('openStore names the setting the URL came from', async () => {
    await expect(openStore({ url: 'mongodb://x' })).rejects.toThrow(/^options\.url: .*"mongodb:"/)
    await expect(openStore({ env: { OPENXAA_DATABASE_URL: 'redis://x' } })).rejects.toThrow(/^OPENXAA_DATABASE_URL/)
    await expect(openStore({ url: 'sqlite::memory:', schema: 'x' })).rejects.toThrow(/options\.schema/)
    await expect(openStore({ url: 'postgres://h/db', schema: 'Robert; drop table' })).rejects.toThrow(/options\.schema/)
  })
})

describe('SQLite settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-sqlite-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a file database runs in WAL mode with synchronous=NORMAL (the store syncs the WAL), a busy timeout and foreign keys', async () => {
    const store = await openStore({ url: `sqlite:${join(dir, 'nested', 'x.db')}` })
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0]
    expect(await pragma('journal_mode')).toBe('wal')
    // NORMAL: COMMIT does not fsync on the event loop; the store syncs the WAL before acknowledging (sqlite-writer.ts).
    expect(await pragma('synchronous')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(5000)
    expect(await pragma('foreign_keys')).toBe(1)
    expect(store.dialect).toBe('sqlite')
    await store.close()
  })

  test('sqlite::memory: works for throwaway stores', async () => {
    const store = await openStore({ url: 'sqlite::memory:' })
    expect(await store.replay.firstUse('i', 'j', 2e9)).toBe(true)
    await store.close()
  })
})
