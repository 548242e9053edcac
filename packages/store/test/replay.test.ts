import { randomUUID } from 'node:crypto'
import type { ReplayStore } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

const ISS = 'https://idp.example'

describe.each(BACKENDS)('replay store on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()
  const exp = () => Math.floor(clock.now / 1000) + 300

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn, replay: { leewaySeconds: 60, purgeIntervalSeconds: 3600 } })
  })
  afterAll(() => b?.dispose())

  test('2(d).7 [#19] first use is true, a replay of the same (iss, jti) is false', async () => {
    const replay: ReplayStore = store.replay
    const jti = randomUUID()
    expect(await replay.firstUse(ISS, jti, exp())).toBe(true)
    expect(await replay.firstUse(ISS, jti, exp())).toBe(false)
    expect(await replay.firstUse(ISS, jti, exp() + 999)).toBe(false)
  })

  test('2(d).7 firstUseAudited: the first use writes its event, a replay writes nothing and is false', async () => {
    const jti = randomUUID()
    const requestId = `req-${jti}`
    const event = {
      actor: { type: 'client', id: 'agent' },
      action: 'id_jag.redeem',
      decision: 'allow' as const,
      requestId,
      clientId: 'agent',
      data: { idJag: { jti }, scopes: ['a'] },
    }
    expect(await store.replay.firstUseAudited(ISS, jti, exp(), event)).toBe(true)
    expect(await store.replay.firstUseAudited(ISS, jti, exp(), event)).toBe(false)
    expect(await store.replay.firstUse(ISS, jti, exp())).toBe(false)
    const { events } = await store.audit.query({ requestId })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ decision: 'allow', clientId: 'agent', data: { idJag: { jti }, scopes: ['a'] } })
    expect(events[0]!.at).toBe(clock.now)
  })

  test('2(d).7 firstUseAudited: of two at once exactly one wins, with exactly one event', async () => {
    const jti = randomUUID()
    const requestId = `race-${jti}`
    const event = { actor: { type: 'client', id: 'a' }, action: 'id_jag.redeem', decision: 'allow' as const, requestId }
    const results = await Promise.all([1, 2].map(() => store.replay.firstUseAudited(ISS, jti, exp(), event)))
    expect(results.sort()).toEqual([false, true])
    expect((await store.audit.query({ requestId })).events).toHaveLength(1)
  })

  test('firstUseAudited refuses a malformed event before consuming the jti', async () => {
    const jti = randomUUID()
    const bad = { actor: { type: 'client', id: 'a' }, action: 'not an action!', decision: 'allow' as const }
    await expect(store.replay.firstUseAudited(ISS, jti, exp(), bad)).rejects.toThrow(TypeError)
    expect(await store.replay.firstUse(ISS, jti, exp())).toBe(true)
  })

  test('an absurd exp is kept as "forever", not an overflow', async () => {
    const jti = randomUUID()
    expect(await store.replay.firstUse(ISS, jti, 1e20)).toBe(true)
    await store.replay.purgeExpired(clock.now + 10 * 365 * 86_400_000)
    expect(await store.replay.firstUse(ISS, jti, 1e20)).toBe(false)
  })

  test('the same jti from another issuer is a different assertion', async () => {
    const jti = randomUUID()
    expect(await store.replay.firstUse(ISS, jti, exp())).toBe(true)
    expect(await store.replay.firstUse('https://other-idp.example', jti, exp())).toBe(true)
  })

  test('2(d).7 [#19] race: 40 concurrent redemptions of one jti give exactly one first use', async () => {
    const jti = randomUUID()
    const results = await Promise.all(Array.from({ length: 40 }, () => store.replay.firstUse(ISS, jti, exp())))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  test('purge drops rows only once exp plus the leeway has passed, so skewed acceptance still finds them', async () => {
    const jti = randomUUID()
    const e = exp()
    expect(await store.replay.firstUse(ISS, jti, e)).toBe(true)
    await store.replay.purgeExpired(e * 1000 + 59_000)
    expect(await store.replay.firstUse(ISS, jti, e)).toBe(false)
    const purged = await store.replay.purgeExpired(e * 1000 + 61_000)
    expect(purged).toBeGreaterThanOrEqual(1)
    const left = await store.db.selectFrom('replay_jti').select('jti').where('jti', '=', jti).execute()
    expect(left).toEqual([])
  })

  test('expired rows are purged on insert, at most once per interval', async () => {
    const old = randomUUID()
    expect(await store.replay.firstUse(ISS, old, exp())).toBe(true)
    clock.advance(2 * 3600_000)
    await store.replay.firstUse(ISS, randomUUID(), exp())
    const left = await store.db.selectFrom('replay_jti').select('jti').where('jti', '=', old).execute()
    expect(left).toEqual([])
  })

  test('a jti recorded inside a transaction that rolls back is not recorded', async () => {
    const jti = randomUUID()
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.replay.firstUse(ISS, jti, exp())).toBe(true)
        throw new Error('policy said no')
      }),
    ).rejects.toThrow('policy said no')
    expect(await store.replay.firstUse(ISS, jti, exp())).toBe(true)
  })

  const misuse = [
    { name: 'empty iss', args: ['', 'j', 1] },
    { name: 'empty jti', args: [ISS, '', 1] },
    { name: 'oversized jti', args: [ISS, 'x'.repeat(1025), 1] },
    { name: 'exp not a number', args: [ISS, 'j', Number.NaN] },
  ] as const
  for (const m of misuse) {
    test(`caller mistake is a TypeError: ${m.name}`, async () => {
      await expect(store.replay.firstUse(m.args[0], m.args[1], m.args[2])).rejects.toThrow(TypeError)
    })
  }
})
