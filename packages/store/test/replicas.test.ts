/**
 * Two store instances ("replicas") on one database: what one does, the other sees. On PostgreSQL this is the
 * scale-out setup; on SQLite, two processes sharing one file.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { migrations, openStore, type Store } from '../src/index.js'
import { postgresSchema, realPostgresUrl, TEST_KEK } from './backends.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const BIN = join(import.meta.dirname, '..', 'src', 'bin', 'openxaa-store.ts')
const EXP = 2_000_000_000
const pgUrl = await realPostgresUrl()
if (!pgUrl) {
  console.warn(
    '*** replicas.test.ts: no PostgreSQL server; the PostgreSQL replica tests are SKIPPED (SQLite runs). ***',
  )
}

function bin(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=openxaa-source', '--import', 'tsx', BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out }))
  })
}

const ledger = async (store: Store) =>
  (await store.db.selectFrom('openxaa_migration').select('name').orderBy('name').execute()).map((r) => r.name)

async function sharedBehaviour(a: Store, b: Store): Promise<void> {
  // A jti redeemed through one replica is refused through the other.
  const jti = randomUUID()
  expect(await a.replay.firstUse('https://idp.example', jti, EXP)).toBe(true)
  expect(await b.replay.firstUse('https://idp.example', jti, EXP)).toBe(false)
  // Racing replicas: exactly one first use overall.
  const raced = randomUUID()
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).replay.firstUse('https://idp.example', raced, EXP)),
  )
  expect(results.filter(Boolean)).toHaveLength(1)
  // A key rotated through one is what the other signs with and publishes.
  const purpose = `r${randomUUID().slice(0, 8)}`
  const created = await a.keys.ensure(purpose)
  expect((await b.keys.current(purpose)).kid).toBe(created.kid)
  // A next key published through one is in the other's JWKS at once; both sign with the old key until its activation
  // time, then both with the new one.
  const rotated = await a.keys.rotate(purpose, { activateAfterSeconds: 60, retireAfterSeconds: 300 })
  expect((await b.keys.publicJwks(purpose)).keys.map((k) => k.kid)).toEqual([created.kid, rotated.kid])
  for (const replica of [a, b]) expect((await replica.keys.current(purpose)).kid).toBe(created.kid)
  for (const replica of [a, b]) expect((await replica.keys.current(purpose, rotated.activateAt)).kid).toBe(rotated.kid)
  expect((await b.keys.publicJwks(purpose, rotated.activateAt)).keys.map((k) => k.kid)).toEqual([
    rotated.kid,
    created.kid,
  ])
  // An event appended through one is in the other's log.
  const requestId = randomUUID()
  await a.audit.append({ actor: { type: 'system', id: 'a' }, action: 'test.replica', decision: 'info', requestId })
  expect((await b.audit.query({ requestId })).events).toHaveLength(1)
  // An oidc-provider session written by one is found by the other.
  const sid = randomUUID()
  await a.oidcAdapter('Session').upsert(sid, { jti: sid, uid: sid }, 60)
  expect(await b.oidcAdapter('Session').findByUid(sid)).toMatchObject({ jti: sid })
}

describe.skipIf(!pgUrl)('replicas on one PostgreSQL server', () => {
  let drop: () => Promise<void>
  let schema: string
  let a: Store
  let b: Store

  beforeAll(async () => {
    ;({ schema, drop } = await postgresSchema(pgUrl!))
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await drop?.()
  })

  test('both start at once on an empty schema: migrations run once and leave one correct schema', async () => {
    const open = () => openStore({ url: pgUrl!, schema, keyEncryptionKey: TEST_KEK, maxConnections: 4 })
    ;[a, b] = await Promise.all([open(), open()])
    expect(await ledger(a)).toEqual(migrations.map((m) => m.name))
    const tables = await a.db.introspection.getTables()
    // "One correct schema" = exactly what one store migrating alone builds, table by table and column by column.
    const alone = await postgresSchema(pgUrl!)
    const reference = await openStore({
      url: pgUrl!,
      schema: alone.schema,
      keyEncryptionKey: TEST_KEK,
      maxConnections: 2,
    })
    try {
      const shape = (ts: typeof tables) =>
        ts.map((t) => `${t.name}(${t.columns.map((c) => `${c.name}:${c.dataType}`).join(',')})`).sort()
      const referenceTables = (await reference.db.introspection.getTables()).filter((t) => t.schema === alone.schema)
      expect(shape(tables.filter((t) => t.schema === schema))).toEqual(shape(referenceTables))
      expect(tables.filter((t) => t.schema === schema).map((t) => t.name)).toContain('replay_jti')
    } finally {
      await reference.close()
      await alone.drop()
    }
    expect(tables.every((t) => t.schema === schema)).toBe(true)
    // A third replica and the CLI find nothing left to do.
    expect((await b.migrate()).applied).toEqual([])
  })

  test('a jti, a key rotation, an audit event and an OIDC session are shared', async () => {
    await sharedBehaviour(a, b)
  })
})

describe('replicas on one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-replicas-'))
  const file = join(dir, 'openxaa.db')
  let a: Store
  let b: Store
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    rmSync(dir, { recursive: true, force: true })
  })

  test('two `openxaa-store migrate` processes at once leave one correct schema', async () => {
    const [p1, p2] = await Promise.all([
      bin(['migrate', '--url', `sqlite:${file}`]),
      bin(['migrate', '--url', `sqlite:${file}`]),
    ])
    expect([p1.code, p2.code]).toEqual([0, 0])
    const outputs = [p1.out, p2.out].sort()
    expect(outputs.filter((o) => o.includes('applied 0001-initial'))).toHaveLength(1)
    expect(outputs.filter((o) => o.includes('schema is current'))).toHaveLength(1)
    a = await openStore({ url: `sqlite:${file}`, keyEncryptionKey: TEST_KEK })
    expect(await ledger(a)).toEqual(migrations.map((m) => m.name))
  })

  test('a jti, a key rotation, an audit event and an OIDC session are shared', async () => {
    b = await openStore({ url: `sqlite:${file}`, keyEncryptionKey: TEST_KEK })
    await sharedBehaviour(a, b)
  })

  test('the CLI refuses bad usage (exit 2) and a bad URL (exit 1, naming the flag)', async () => {
    expect((await bin(['frobnicate'])).code).toBe(2)
    const bad = await bin(['migrate', '--url', 'mysql://root:hunter2@x/db'])
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(/--url: unsupported database URL scheme "mysql:"/)
    expect(bad.out).not.toContain('hunter2')
  })
})
