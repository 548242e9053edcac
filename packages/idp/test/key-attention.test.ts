// The overview's "signing key due for rotation": an old signing key is flagged, and no longer once a rotation has
// published the next key (the rotation is under way), nor once that key signs. A real store on SQLite.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type Store } from '@openxaa/store'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type AdminContext, operations } from '../src/admin/administration.js'

const dir = mkdtempSync(join(tmpdir(), 'openxaa-key-attention-'))
let now = Date.UTC(2026, 0, 1)
let store: Store
let ctx: AdminContext

beforeAll(async () => {
  store = await openStore({
    url: `sqlite:${join(dir, 'idp.db')}`,
    keyEncryptionKey: randomBytes(32).toString('base64url'),
    clock: () => now,
  })
  ctx = { store, actor: { type: 'cli', id: 'test' }, now: () => now, passwordHashCost: 12, keyRetireAfter: 3660 }
})
afterAll(async () => {
  await store?.close()
  rmSync(dir, { recursive: true, force: true })
})

const dueKeys = async () =>
  (await operations.needsAttention(ctx, [])).flatMap((a) => (a.kind === 'key_due_for_rotation' ? [a.key.kid] : []))

test('a 90-day-old signing key needs attention until a rotation publishes the next key', async () => {
  const first = await store.keys.ensure('idp')
  expect(await dueKeys()).toEqual([])
  now += 91 * 86_400_000
  expect(await dueKeys()).toEqual([first.kid])
  const next = await operations.rotateKeys(ctx)
  expect(next.status).toBe('next')
  // The old key still signs for 60 s, but the rotation is under way: nothing to do.
  expect((await store.keys.current('idp')).kid).toBe(first.kid)
  expect(await dueKeys()).toEqual([])
  now = next.activateAt
  expect((await store.keys.current('idp')).kid).toBe(next.kid)
  expect(await dueKeys()).toEqual([])
})
