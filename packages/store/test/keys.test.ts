import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, compactVerify, createLocalJWKSet } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KEY_ENCRYPTION_KEY_FILE, openStore, type RotateOptions, type Store } from '../src/index.js'
import { sealPrivateKey } from '../src/keys/envelope.js'
import { generateSigningKey } from '../src/keys/generate.js'
import { decodeKek } from '../src/keys/kek.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

async function sign(store: Store, purpose: string): Promise<string> {
  const key = await store.keys.current(purpose)
  return new CompactSign(new TextEncoder().encode('payload'))
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey)
}

async function verifies(store: Store, purpose: string, jws: string, now?: number): Promise<boolean> {
  const jwks = createLocalJWKSet(await store.keys.publicJwks(purpose, now))
  return compactVerify(jws, jwks).then(
    () => true,
    () => false,
  )
}

describe.each(BACKENDS)('key store on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
  })
  afterAll(() => b?.dispose())

  test('ensure creates one ES256 key per purpose and is idempotent', async () => {
    const first = await store.keys.ensure('idp')
    const again = await store.keys.ensure('idp')
    expect(again.kid).toBe(first.kid)
    expect(first).toMatchObject({ purpose: 'idp', alg: 'ES256', status: 'current', retireAt: null })
    expect(first.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: first.kid, alg: 'ES256', use: 'sig' })
    expect(first.publicJwk).not.toHaveProperty('d')
    const current = await store.keys.current('idp')
    expect(current.kid).toBe(first.kid)
    expect(await verifies(store, 'idp', await sign(store, 'idp'))).toBe(true)
  })

  test('concurrent ensure from many callers leaves exactly one current key', async () => {
    const infos = await Promise.all(Array.from({ length: 8 }, () => store.keys.ensure('race')))
    expect(new Set(infos.map((i) => i.kid)).size).toBe(1)
    expect(await store.keys.list('race')).toHaveLength(1)
  })

  test('other algorithms: RS256 and EdDSA sign and verify', async () => {
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const purpose = `alg-${alg.toLowerCase()}`
      await store.keys.ensure(purpose, { alg })
      expect((await store.keys.current(purpose)).alg).toBe(alg)
      expect(await verifies(store, purpose, await sign(store, purpose))).toBe(true)
    }
  })

  test('[#28] rotation: the old key stays published until retireAfter, then stops verifying', async () => {
    await store.keys.ensure('as')
    const before = await sign(store, 'as')
    const oldKid = (await store.keys.current('as')).kid
    const rotated = await store.keys.rotate('as', { activateAfterSeconds: 0, retireAfterSeconds: 600 })
    expect(rotated.kid).not.toBe(oldKid)
    expect((await store.keys.current('as')).kid).toBe(rotated.kid)
    const jwks = await store.keys.publicJwks('as')
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid])
    expect(await verifies(store, 'as', before)).toBe(true)
    expect(await verifies(store, 'as', await sign(store, 'as'))).toBe(true)
    const list = await store.keys.list('as')
    expect(list.map((k) => [k.kid, k.status])).toEqual([
      [rotated.kid, 'current'],
      [oldKid, 'previous'],
    ])
    expect(JSON.stringify(list)).not.toMatch(/"d"|private/)
    // After the last token it signed has expired, the old key leaves the key set.
    expect(await verifies(store, 'as', before, clock.now + 600_000)).toBe(false)
    expect((await store.keys.publicJwks('as', clock.now + 600_000)).keys.map((k) => k.kid)).toEqual([rotated.kid])
    expect((await store.keys.list('as', clock.now + 600_000))[1]?.status).toBe('retired')
  })

  test('rotation publishes the next key first: both in the JWKS at once, the old key signs until activation', async () => {
    const t0 = clock.now
    const first = await store.keys.ensure('pre')
    expect(first).toMatchObject({ status: 'current', activateAt: t0 })
    const byOld = await sign(store, 'pre')
    const next = await store.keys.rotate('pre', { activateAfterSeconds: 60, retireAfterSeconds: 600 })
    expect(next).toMatchObject({ status: 'next', activateAt: t0 + 60_000, retireAt: null })
    // Published at once (the signing key first), but not signing yet.
    expect((await store.keys.publicJwks('pre')).keys.map((k) => k.kid)).toEqual([first.kid, next.kid])
    expect((await store.keys.current('pre')).kid).toBe(first.kid)
    expect((await store.keys.list('pre')).map((k) => [k.kid, k.status, k.retireAt])).toEqual([
      [next.kid, 'next', null],
      [first.kid, 'current', t0 + 660_000],
    ])
    clock.advance(59_999)
    expect((await store.keys.current('pre')).kid).toBe(first.kid)
    // From its activation time the next key signs, and a verifier holding the JWKS of before the rotation has it.
    clock.advance(1)
    const byNew = await sign(store, 'pre')
    expect((await store.keys.current('pre')).kid).toBe(next.kid)
    const jwksOfBefore = createLocalJWKSet(await store.keys.publicJwks('pre', t0))
    expect((await compactVerify(byNew, jwksOfBefore)).protectedHeader.kid).toBe(next.kid)
    expect((await store.keys.publicJwks('pre')).keys.map((k) => k.kid)).toEqual([next.kid, first.kid])
    expect((await store.keys.list('pre')).map((k) => k.status)).toEqual(['current', 'previous'])
    // The old key stays published retireAfter after the activation, then leaves.
    expect(await verifies(store, 'pre', byOld, t0 + 660_000 - 1)).toBe(true)
    expect(await verifies(store, 'pre', byOld, t0 + 660_000)).toBe(false)
    expect((await store.keys.publicJwks('pre', t0 + 660_000)).keys.map((k) => k.kid)).toEqual([next.kid])
  })

  test('rotating a purpose that has no key yet signs at once: there is nothing to hand over from', async () => {
    const first = await store.keys.rotate('fresh', { activateAfterSeconds: 60, retireAfterSeconds: 60 })
    expect(first).toMatchObject({ status: 'current', activateAt: clock.now })
    expect((await store.keys.current('fresh')).kid).toBe(first.kid)
  })

  test('emergency rotation (0, 0): the new key signs at once and every earlier key leaves at once', async () => {
    const first = await store.keys.ensure('sos')
    const byOld = await sign(store, 'sos')
    clock.advance(1000)
    // An earlier ordinary rotation left a previous key published for a long time: it goes too.
    const second = await store.keys.rotate('sos', { activateAfterSeconds: 0, retireAfterSeconds: 3600 })
    clock.advance(1000)
    const third = await store.keys.rotate('sos', { activateAfterSeconds: 0, retireAfterSeconds: 0 })
    expect(third.status).toBe('current')
    expect((await store.keys.current('sos')).kid).toBe(third.kid)
    expect((await store.keys.publicJwks('sos')).keys.map((k) => k.kid)).toEqual([third.kid])
    expect(await verifies(store, 'sos', byOld)).toBe(false)
    expect((await store.keys.list('sos')).map((k) => [k.kid, k.status])).toEqual([
      [third.kid, 'current'],
      [second.kid, 'retired'],
      [first.kid, 'retired'],
    ])
  })

  test('a rotation while a next key is pending: no gap, no key signs twice, the superseded one never signs', async () => {
    const t0 = clock.now
    const first = await store.keys.ensure('pend')
    const second = await store.keys.rotate('pend', { activateAfterSeconds: 60, retireAfterSeconds: 0 })
    clock.advance(10_000)
    // A second ordinary rotation 10 s later: the pending key activates as planned, then hands over to the third.
    const third = await store.keys.rotate('pend', { activateAfterSeconds: 60, retireAfterSeconds: 0 })
    expect((await store.keys.publicJwks('pend')).keys.map((k) => k.kid)).toEqual([first.kid, second.kid, third.kid])
    const signerAt = async (at: number) => (await store.keys.current('pend', at)).kid
    expect(await signerAt(t0 + 59_999)).toBe(first.kid)
    expect(await signerAt(t0 + 60_000)).toBe(second.kid)
    expect(await signerAt(t0 + 69_999)).toBe(second.kid)
    expect(await signerAt(t0 + 70_000)).toBe(third.kid)
    expect(await signerAt(t0 + 3_600_000)).toBe(third.kid)

    // A pending key that would activate after a newer rotation's key never signs: it leaves at once.
    const fourth = await store.keys.rotate('pend', { activateAfterSeconds: 600, retireAfterSeconds: 0 })
    const fifth = await store.keys.rotate('pend', { activateAfterSeconds: 30, retireAfterSeconds: 0 })
    expect((await store.keys.publicJwks('pend')).keys.map((k) => k.kid)).not.toContain(fourth.kid)
    const later = t0 + 10_000 + 600_000
    expect(await signerAt(later)).toBe(fifth.kid)
    expect((await store.keys.list('pend', later)).find((k) => k.kid === fourth.kid)?.status).toBe('retired')
  })

  test('two rotations at once both land: one current key, both previous keys published', async () => {
    await store.keys.ensure('double')
    const [a, b2] = await Promise.all([
      store.keys.rotate('double', { activateAfterSeconds: 0, retireAfterSeconds: 60 }),
      store.keys.rotate('double', { activateAfterSeconds: 0, retireAfterSeconds: 60 }),
    ])
    const list = await store.keys.list('double')
    expect(list.filter((k) => k.status === 'current')).toHaveLength(1)
    expect(list).toHaveLength(3)
    expect([a.kid, b2.kid]).toContain((await store.keys.current('double')).kid)
  })

  test('private keys are encrypted at rest: the raw row holds no key material', async () => {
    await store.keys.ensure('raw')
    const current = await store.keys.current('raw')
    const jwk = current.privateKey.export({ format: 'jwk' })
    const der = current.privateKey.export({ format: 'der', type: 'pkcs8' })
    const row = await store.db
      .selectFrom('signing_key')
      .selectAll()
      .where('kid', '=', current.kid)
      .executeTakeFirstOrThrow()
    const raw = JSON.stringify(row)
    expect(raw).not.toContain(jwk.d)
    expect(raw).not.toContain(der.toString('base64'))
    expect(raw).not.toContain(der.toString('base64url'))
    expect(raw).not.toContain(der.toString('hex'))
    expect(row.private_key).toMatch(/^v1:[A-Za-z0-9_-]+:/)
  })

  test('a key sealed under another key-encryption key fails clearly, never with garbage', async () => {
    // What a replica with another KEK would have written: same schema, foreign envelope.
    const foreign = decodeKek(randomBytes(32), 'test')
    const key = await generateSigningKey('ES256')
    await store.db
      .insertInto('signing_key')
      .values({
        kid: key.kid,
        purpose: 'foreign',
        alg: 'ES256',
        public_jwk: JSON.stringify(key.publicJwk),
        private_key: sealPrivateKey(foreign, 'foreign', key.kid, key.privateDer),
        created_at: clock.now,
        retire_at: null,
      })
      .execute()
    const err = await store.keys.current('foreign').catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'StoreError', code: 'ERR_STORE_KEK_MISMATCH', oauthError: 'server_error' })
    expect((err as Error).message).toMatch(/OPENXAA_KEY_ENCRYPTION_KEY/)
    expect((err as Error).message).toContain(foreign.id)
  })

  const tampering = [
    { name: 'a flipped IV bit', part: 3 },
    { name: 'a flipped ciphertext bit', part: 4 },
    { name: 'a flipped tag bit', part: 5 },
  ]
  for (const t of tampering) {
    test(`a tampered envelope fails its integrity check: ${t.name}`, async () => {
      const purpose = `tamper-${t.part}`
      const { kid } = await store.keys.ensure(purpose)
      const row = await store.db
        .selectFrom('signing_key')
        .select('private_key')
        .where('kid', '=', kid)
        .executeTakeFirstOrThrow()
      const parts = row.private_key.split(':')
      const bytes = Buffer.from(parts[t.part - 1]!, 'base64url')
      bytes[0] = bytes[0]! ^ 1
      parts[t.part - 1] = bytes.toString('base64url')
      await store.db
        .updateTable('signing_key')
        .set({ private_key: parts.join(':') })
        .where('kid', '=', kid)
        .execute()
      await expect(store.keys.current(purpose)).rejects.toMatchObject({
        code: 'ERR_STORE_KEY_DECRYPT',
        oauthError: 'server_error',
      })
    })
  }

  test('an envelope moved to another key row fails (kid and purpose are bound as AAD)', async () => {
    const a = await store.keys.ensure('moved-a')
    const b2 = await store.keys.ensure('moved-b')
    const rowA = await store.db
      .selectFrom('signing_key')
      .select('private_key')
      .where('kid', '=', a.kid)
      .executeTakeFirstOrThrow()
    await store.db.updateTable('signing_key').set({ private_key: rowA.private_key }).where('kid', '=', b2.kid).execute()
    await expect(store.keys.current('moved-b')).rejects.toMatchObject({ code: 'ERR_STORE_KEY_DECRYPT' })
  })

  test('no key yet is a StoreError; bad arguments are TypeErrors', async () => {
    await expect(store.keys.current('none')).rejects.toMatchObject({ code: 'ERR_STORE_NO_SIGNING_KEY' })
    await expect(store.keys.ensure('Bad Purpose')).rejects.toThrow(TypeError)
    await expect(store.keys.ensure('x', { alg: 'HS256' as 'ES256' })).rejects.toThrow(TypeError)
    const rotate = (options: object) => store.keys.rotate('idp', options as RotateOptions)
    await expect(rotate({})).rejects.toThrow(TypeError)
    await expect(rotate({ retireAfterSeconds: 60 })).rejects.toThrow(/activateAfterSeconds must be whole seconds/)
    await expect(rotate({ retireAfterSeconds: 60, activateAfterSeconds: 1.5 })).rejects.toThrow(TypeError)
    await expect(rotate({ retireAfterSeconds: 60, activateAfterSeconds: -1 })).rejects.toThrow(TypeError)
    await expect(rotate({ retireAfterSeconds: 86_400 * 30 + 1, activateAfterSeconds: 60 })).rejects.toThrow(
      /retireAfterSeconds must be whole seconds from 0 to 2592000/,
    )
  })
})

describe('key-encryption key sources', () => {
  const dirs: string[] = []
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'openxaa-kek-'))
    dirs.push(dir)
    return dir
  }
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  test('without option or env, a 0600 file is created in dataDir on first use and reused', async () => {
    const dir = tmp()
    const url = `sqlite:${join(dir, 'db.sqlite')}`
    const s1 = await openStore({ url, dataDir: dir, env: {} })
    await s1.keys.ensure('idp')
    const file = join(dir, KEY_ENCRYPTION_KEY_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await s1.close()
    const s2 = await openStore({ url, dataDir: dir, env: {} })
    expect((await s2.keys.current('idp')).kid).toBeTypeOf('string')
    await s2.close()
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  test('a second process with another KEK fails clearly on the keys of the first', async () => {
    const dir = tmp()
    const url = `sqlite:${join(dir, 'db.sqlite')}`
    const first = await openStore({ url, keyEncryptionKey: randomBytes(32).toString('base64url') })
    await first.keys.ensure('idp')
    const second = await openStore({ url, keyEncryptionKey: randomBytes(32).toString('base64url') })
    await expect(second.keys.current('idp')).rejects.toMatchObject({ code: 'ERR_STORE_KEK_MISMATCH' })
    // The public key set needs no KEK: verification keeps working while the KEK is fixed.
    expect((await second.keys.publicJwks('idp')).keys).toHaveLength(1)
    await Promise.all([first.close(), second.close()])
  })

  test('a KEK file readable by others is refused', async () => {
    const dir = tmp()
    writeFileSync(join(dir, KEY_ENCRYPTION_KEY_FILE), randomBytes(32).toString('base64url'))
    chmodSync(join(dir, KEY_ENCRYPTION_KEY_FILE), 0o644)
    const store = await openStore({ url: `sqlite:${join(dir, 'db.sqlite')}`, dataDir: dir, env: {} })
    await expect(store.keys.ensure('idp')).rejects.toMatchObject({ code: 'ERR_STORE_KEK_FILE_PERMISSIONS' })
    await store.close()
  })

  test('the environment variable wins over the file; a malformed one is a TypeError naming it', async () => {
    const dir = tmp()
    const url = `sqlite:${join(dir, 'db.sqlite')}`
    const env = { OPENXAA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') }
    const s = await openStore({ url, dataDir: dir, env })
    await s.keys.ensure('idp')
    await s.close()
    expect(() => statSync(join(dir, KEY_ENCRYPTION_KEY_FILE))).toThrow()
    await expect(openStore({ url, dataDir: dir, env: { OPENXAA_KEY_ENCRYPTION_KEY: 'short' } })).rejects.toThrow(
      /OPENXAA_KEY_ENCRYPTION_KEY must be 32 bytes/,
    )
    await expect(openStore({ url, keyEncryptionKey: new Uint8Array(16) })).rejects.toThrow(/options.keyEncryptionKey/)
  })
})
