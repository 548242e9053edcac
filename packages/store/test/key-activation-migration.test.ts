// Migration 0006 on a database that already holds signing keys: the keys made before it keep signing and stay
// published exactly as before (activate_at 0), and the next rotation publishes ahead of activation.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, compactVerify, createLocalJWKSet } from 'jose'
import { afterAll, describe, expect, test } from 'vitest'
import { migrations, openStore, type Store } from '../src/index.js'
import { sealPrivateKey } from '../src/keys/envelope.js'
import { generateSigningKey } from '../src/keys/generate.js'
import { decodeKek } from '../src/keys/kek.js'
import { runMigrations } from '../src/migrations/runner.js'
import { postgresSchema, realPostgresUrl, TEST_KEK, TestClock } from './backends.js'

const BEFORE = migrations.slice(
  0,
  migrations.findIndex((m) => m.name === '0006-signing-key-activation'),
)
const pgUrl = await realPostgresUrl()
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function unmigrated(name: string, clock: TestClock): Promise<Store> {
  const common = { keyEncryptionKey: TEST_KEK, clock: clock.fn, migrate: false }
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'openxaa-0006-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    return openStore({ url: `sqlite:${join(dir, 'openxaa.db')}`, dataDir: dir, ...common })
  }
  if (name === 'pglite') return openStore({ url: 'pglite:memory:', ...common })
  const { schema, drop } = await postgresSchema(pgUrl!)
  cleanups.push(drop)
  return openStore({ url: pgUrl!, schema, maxConnections: 2, ...common })
}

describe.each(['sqlite', 'pglite', ...(pgUrl ? ['postgres'] : [])])('migration 0006 on %s', (name) => {
  test('keys made before it keep signing and stay published; the next rotation publishes ahead', async () => {
    const clock = new TestClock()
    const store = await unmigrated(name, clock)
    cleanups.push(() => store.close())
    await runMigrations(store.db, store.dialect, BEFORE, clock.now)
    expect(BEFORE.at(-1)?.name).toBe('0005-rate-limit')
    // Two keys as the release before wrote them: an older one rotated out (still published) and the current one.
    const kek = decodeKek(TEST_KEK, 'keyEncryptionKey')
    const rows = []
    for (const [i, retireAt] of [clock.now + 600_000, null].entries()) {
      const key = await generateSigningKey('ES256')
      await store.db
        .insertInto('signing_key')
        .values({
          kid: key.kid,
          purpose: 'idp',
          alg: 'ES256',
          public_jwk: JSON.stringify(key.publicJwk),
          private_key: sealPrivateKey(kek, 'idp', key.kid, key.privateDer),
          created_at: clock.now - 86_400_000 + i,
          retire_at: retireAt,
        })
        .execute()
      rows.push(key.kid)
    }
    const [previous, current] = rows as [string, string]

    expect((await store.migrate()).applied).toEqual(['0006-signing-key-activation'])
    const signer = await store.keys.current('idp')
    expect(signer.kid).toBe(current)
    expect((await store.keys.list('idp')).map((k) => [k.kid, k.status, k.activateAt])).toEqual([
      [current, 'current', 0],
      [previous, 'previous', 0],
    ])
    expect((await store.keys.publicJwks('idp')).keys.map((k) => k.kid)).toEqual([current, previous])
    const jws = await new CompactSign(new TextEncoder().encode('after 0006'))
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid })
      .sign(signer.privateKey)
    await expect(compactVerify(jws, createLocalJWKSet(await store.keys.publicJwks('idp')))).resolves.toBeDefined()

    const next = await store.keys.rotate('idp', { activateAfterSeconds: 60, retireAfterSeconds: 300 })
    expect((await store.keys.current('idp')).kid).toBe(current)
    expect((await store.keys.publicJwks('idp')).keys.map((k) => k.kid)).toEqual([current, next.kid, previous])
    clock.advance(60_000)
    expect((await store.keys.current('idp')).kid).toBe(next.kid)
  })
})
