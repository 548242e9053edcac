// The verified-secret cache of the resource AS clients: a correct secret is not hashed again for a while, and
// nothing about the client may change without the cache noticing (bench issue: scrypt on every token request).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VerifiedSecretCache } from '../src/auth-server/secret-cache.js'
import { hashSecret } from '../src/auth-server/secrets.js'
import { openStore, type Store } from '../src/index.js'
import { TEST_KEK, TestClock } from './backends.js'

const SECRET = 'correct-secret-0123456789abcdef'
const base = { clientId: 'agent', secret: SECRET, storedHash: 'scrypt$16384$8$1$salt$hash', updatedAt: 1000 }

describe('VerifiedSecretCache', () => {
  test('remembers exactly the verification it was given', () => {
    const cache = new VerifiedSecretCache()
    expect(cache.has(base)).toBe(false)
    cache.add(base)
    expect(cache.has(base)).toBe(true)
    expect(cache.has({ ...base, secret: `${SECRET}x` })).toBe(false)
    expect(cache.has({ ...base, clientId: 'other' })).toBe(false)
  })

  test('invalidation: a new stored hash (rotated secret) or any change of the client row is a miss', () => {
    const cache = new VerifiedSecretCache()
    cache.add(base)
    expect(cache.has({ ...base, storedHash: 'scrypt$16384$8$1$salt2$hash2' })).toBe(false)
    expect(cache.has({ ...base, updatedAt: 1001 })).toBe(false)
  })

  test('callers presenting the same verification at once share one check (no scrypt stampede on expiry)', async () => {
    const clock = new TestClock()
    const cache = new VerifiedSecretCache({ clock: clock.fn, ttlMs: 1000 })
    let checks = 0
    const slowCheck = (ok: boolean) => async () => {
      checks++
      await new Promise((resolve) => setTimeout(resolve, 20))
      return ok
    }
    const same = { ...base, clientId: 'stampede' }
    expect(await Promise.all(Array.from({ length: 32 }, () => cache.verify(same, slowCheck(true))))).toEqual(
      Array(32).fill(true),
    )
    expect(checks).toBe(1)
    // Remembered: no check at all until the TTL runs out, then exactly one for all the callers of that moment.
    expect(await cache.verify(same, slowCheck(true))).toBe(true)
    expect(checks).toBe(1)
    clock.advance(1001)
    await Promise.all(Array.from({ length: 32 }, () => cache.verify(same, slowCheck(true))))
    expect(checks).toBe(2)
    // A failed check is shared by the callers waiting on it but never remembered: the next caller checks again.
    const wrong = { ...same, secret: 'wrong' }
    expect(await Promise.all([cache.verify(wrong, slowCheck(false)), cache.verify(wrong, slowCheck(false))])).toEqual([
      false,
      false,
    ])
    expect(checks).toBe(3)
    expect(await cache.verify(wrong, slowCheck(false))).toBe(false)
    expect(checks).toBe(4)
    // Different verifications never share a check.
    await Promise.all([
      cache.verify({ ...same, secret: 'a' }, slowCheck(true)),
      cache.verify({ ...same, secret: 'b' }, slowCheck(true)),
    ])
    expect(checks).toBe(6)
  })

  test('entries expire after the TTL', () => {
    const clock = new TestClock()
    const cache = new VerifiedSecretCache({ clock: clock.fn, ttlMs: 1000 })
    cache.add(base)
    clock.advance(999)
    expect(cache.has(base)).toBe(true)
    clock.advance(1)
    expect(cache.has(base)).toBe(false)
  })

  test('bounded: the oldest entry goes first', () => {
    const cache = new VerifiedSecretCache({ maxEntries: 2 })
    for (const clientId of ['a', 'b', 'c']) cache.add({ ...base, clientId })
    expect(cache.size).toBe(2)
    expect(cache.has({ ...base, clientId: 'a' })).toBe(false)
    expect(cache.has({ ...base, clientId: 'c' })).toBe(true)
  })

  test('the id ties client id and secret unambiguously (no concatenation collisions)', () => {
    const cache = new VerifiedSecretCache()
    cache.add({ ...base, clientId: 'ab', secret: 'c-secret-0123456789' })
    expect(cache.has({ ...base, clientId: 'a', secret: 'bc-secret-0123456789' })).toBe(false)
  })
})

describe('clients.verifySecret with the cache (SQLite store)', () => {
  let dir: string
  let store: Store
  const clock = new TestClock()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openxaa-secret-cache-'))
    store = await openStore({ url: `sqlite:${join(dir, 'db.sqlite')}`, keyEncryptionKey: TEST_KEK, clock: clock.fn })
    await store.authServer.clients.create({ clientId: 'agent', authMethods: ['client_secret_basic'], secret: SECRET })
  })
  afterAll(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a verified secret is answered without scrypt; a wrong one is still refused', async () => {
    expect(await store.authServer.clients.verifySecret('agent', SECRET)).toBe(true)
    const started = performance.now()
    for (let i = 0; i < 20; i++) expect(await store.authServer.clients.verifySecret('agent', SECRET)).toBe(true)
    // Twenty scrypt runs (N=16384) take far longer than this; twenty cache hits are a few database reads.
    expect(performance.now() - started).toBeLessThan(200)
    expect(await store.authServer.clients.verifySecret('agent', `${SECRET}x`)).toBe(false)
    expect(await store.authServer.clients.verifySecret('unknown', SECRET)).toBe(false)
  })

  test('a secret replaced behind the cache stops working at once, the new one works', async () => {
    expect(await store.authServer.clients.verifySecret('agent', SECRET)).toBe(true)
    const next = 'rotated-secret-0123456789abcdef'
    // Same updated_at on purpose: the stored hash alone must invalidate.
    await store.db
      .updateTable('as_client')
      .set({ secret_hash: await hashSecret(next) })
      .where('client_id', '=', 'agent')
      .execute()
    expect(await store.authServer.clients.verifySecret('agent', SECRET)).toBe(false)
    expect(await store.authServer.clients.verifySecret('agent', next)).toBe(true)
  })

  test('a disabled client: the row changed, and get() reports it disabled whatever the cache holds', async () => {
    const next = 'rotated-secret-0123456789abcdef'
    clock.advance(1)
    await store.authServer.clients.setEnabled('agent', false)
    expect((await store.authServer.clients.get('agent'))?.enabled).toBe(false)
    expect(await store.authServer.clients.verifySecret('agent', next)).toBe(true)
  })
})
