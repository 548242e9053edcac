import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AdapterPayload, OidcAdapter, Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

// The contract oidc-provider 9 documents for adapters (example/my_adapter.js), tested without oidc-provider.
describe.each(BACKENDS)('oidc-provider adapter on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()
  const id = () => randomUUID()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
  })
  afterAll(() => b?.dispose())

  test('upsert then find returns the payload; upsert again replaces it', async () => {
    const adapter = store.oidcAdapter('Session')
    const key = id()
    const payload = { jti: key, kind: 'Session', accountId: 'alice', loginTs: 1, nested: { amr: ['pwd'] } }
    await adapter.upsert(key, payload, 3600)
    expect(await adapter.find(key)).toEqual(payload)
    await adapter.upsert(key, { ...payload, accountId: 'bob' }, 3600)
    expect(await adapter.find(key)).toMatchObject({ accountId: 'bob' })
    expect(await adapter.find(id())).toBeUndefined()
  })

  test('models are separate: the same id under another model is not found', async () => {
    const key = id()
    await store.oidcAdapter('AccessToken').upsert(key, { jti: key, kind: 'AccessToken' }, 60)
    expect(await store.oidcAdapter('RefreshToken').find(key)).toBeUndefined()
  })

  test('expiry is respected on read at the exact edge, and purge removes expired rows', async () => {
    const adapter = store.oidcAdapter('AuthorizationCode')
    const key = id()
    await adapter.upsert(key, { jti: key, kind: 'AuthorizationCode' }, 10)
    clock.advance(9_999)
    expect(await adapter.find(key)).toBeDefined()
    clock.advance(1)
    expect(await adapter.find(key)).toBeUndefined()
    expect(await store.oidc.purgeExpired()).toBeGreaterThanOrEqual(1)
    const raw = await store.db.selectFrom('oidc_model').select('id').where('id', '=', key).execute()
    expect(raw).toEqual([])
  })

  test('no expiresIn means no expiry', async () => {
    const adapter = store.oidcAdapter('Client')
    const key = id()
    await adapter.upsert(key, { client_id: key })
    clock.advance(365 * 86_400_000)
    expect(await adapter.find(key)).toEqual({ client_id: key })
  })

  test('findByUid finds a Session by uid; findByUserCode finds a DeviceCode by userCode; both honour expiry', async () => {
    const sessions = store.oidcAdapter('Session')
    const devices = store.oidcAdapter('DeviceCode')
    const [s, d, uid, userCode] = [id(), id(), id(), `WDJB-${id().slice(0, 4)}`]
    await sessions.upsert(s, { jti: s, uid, kind: 'Session' }, 60)
    await devices.upsert(d, { jti: d, userCode, kind: 'DeviceCode' }, 60)
    expect(await sessions.findByUid(uid)).toMatchObject({ jti: s })
    expect(await devices.findByUserCode(userCode)).toMatchObject({ jti: d })
    expect(await sessions.findByUid(id())).toBeUndefined()
    expect(await devices.findByUserCode('NOPE-NOPE')).toBeUndefined()
    clock.advance(60_000)
    expect(await sessions.findByUid(uid)).toBeUndefined()
    expect(await devices.findByUserCode(userCode)).toBeUndefined()
  })

  test('consume marks the payload consumed (epoch seconds) so a code cannot be redeemed twice', async () => {
    const adapter = store.oidcAdapter('AuthorizationCode')
    const key = id()
    await adapter.upsert(key, { jti: key, kind: 'AuthorizationCode', grantId: 'g' }, 60)
    expect(await adapter.find(key)).not.toHaveProperty('consumed')
    await adapter.consume(key)
    const consumedAt = Math.floor(clock.now / 1000)
    expect(await adapter.find(key)).toMatchObject({ consumed: consumedAt })
    clock.advance(5_000)
    await adapter.consume(key)
    expect((await adapter.find(key))?.consumed).toBe(consumedAt)
  })

  test('destroy deletes one record', async () => {
    const adapter = store.oidcAdapter('Interaction')
    const [k1, k2] = [id(), id()]
    await adapter.upsert(k1, { jti: k1 }, 60)
    await adapter.upsert(k2, { jti: k2 }, 60)
    await adapter.destroy(k1)
    expect(await adapter.find(k1)).toBeUndefined()
    expect(await adapter.find(k2)).toBeDefined()
  })

  test('revokeByGrantId deletes every token of the grant in that model, and nothing else', async () => {
    const grantId = id()
    const otherGrant = id()
    const at: OidcAdapter = store.oidcAdapter('AccessToken')
    const rt = store.oidcAdapter('RefreshToken')
    const [a1, a2, a3, r1] = [id(), id(), id(), id()]
    await at.upsert(a1, { jti: a1, grantId }, 60)
    await at.upsert(a2, { jti: a2, grantId }, 60)
    await at.upsert(a3, { jti: a3, grantId: otherGrant }, 60)
    await rt.upsert(r1, { jti: r1, grantId }, 60)
    // oidc-provider's revoke() calls this on every grantable model; each call covers its own model.
    await at.revokeByGrantId(grantId)
    expect(await at.find(a1)).toBeUndefined()
    expect(await at.find(a2)).toBeUndefined()
    expect(await at.find(a3)).toBeDefined()
    expect(await rt.find(r1)).toBeDefined()
    await rt.revokeByGrantId(grantId)
    expect(await rt.find(r1)).toBeUndefined()
  })

  test('payloads are JSON on disk: jsonb on PostgreSQL, text on SQLite', async () => {
    const key = id()
    await store.oidcAdapter('Grant').upsert(key, { jti: key, openid: { scope: 'openid email' } }, 60)
    const { payload } = await store.db
      .selectFrom('oidc_model')
      .select('payload')
      .where('id', '=', key)
      .executeTakeFirstOrThrow()
    if (store.dialect === 'postgres') expect(payload).toEqual({ jti: key, openid: { scope: 'openid email' } })
    else expect(JSON.parse(payload as string)).toEqual({ jti: key, openid: { scope: 'openid email' } })
  })

  test('caller mistakes are TypeErrors', async () => {
    const adapter = store.oidcAdapter('Session')
    await expect(adapter.find('')).rejects.toThrow(TypeError)
    await expect(adapter.upsert('x', null as unknown as AdapterPayload, 1)).rejects.toThrow(TypeError)
    expect(() => store.oidcAdapter('')).toThrow(TypeError)
  })
})
