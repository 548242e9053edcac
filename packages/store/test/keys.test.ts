import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, compactVerify, createLocalJWKSet } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KEY_ENCRYPTION_KEY_FILE, openStore, type Store } from '../src/index.js'
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
    const rotated = await store.keys.rotate('as', { retireAfterSeconds: 600 })
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

  test('two rotations at once both land: one current key, both previous keys published', async () => {
    await store.keys.ensure('double')
    const [a, b2] = await Promise.all([
      store.keys.rotate('double', { retireAfterSeconds: 60 }),
      store.keys.rotate('double', { retireAfterSeconds: 60 }),
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
    await expect(store.keys.rotate('idp', {} as { retireAfterSeconds: number })).rejects.toThrow(TypeError)
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
