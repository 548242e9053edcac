import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

describe.each(BACKENDS)('rate-limit windows on %s', (name) => {
  let b: Backend
  let store: Store
  let replica: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
    replica = await b.open({ clock: clock.fn })
  })
  afterAll(() => b?.dispose())

  test('counts per key and window, shared by two replicas, atomic under concurrency', async () => {
    const hits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? store : replica).rateLimits.hit('client:a', 60_000)),
    )
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect((await store.rateLimits.hit('client:b', 60_000)).count).toBe(1)
    const { resetAt } = hits[0]!
    expect(resetAt % 60_000).toBe(0)
    clock.advance(60_000)
    expect((await replica.rateLimits.hit('client:a', 60_000)).count).toBe(1)
  })

  test('old windows are purged; bad keys and windows are TypeErrors', async () => {
    clock.advance(180_000)
    expect(await store.rateLimits.purge(clock.now - 60_000)).toBeGreaterThanOrEqual(2)
    await expect(store.rateLimits.hit('', 60_000)).rejects.toThrow(TypeError)
    await expect(store.rateLimits.hit('x'.repeat(513), 60_000)).rejects.toThrow(TypeError)
    await expect(store.rateLimits.hit('k', 10)).rejects.toThrow(/windowMs/)
  })
})
