// The shared limiter: memory, Redis (one limit for two instances; fail open when Redis is down), options, addresses.

import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, test } from 'vitest'
import { freePort } from '../../../test/support/child-process.js'
import { REDIS_URL } from '../../../test/support/redis.js'
import {
  applyConfigFile,
  clientAddress,
  createRateLimiter,
  createServerMetrics,
  memoryRateLimitCounter,
  parseRateLimitOptions,
  rateLimitedResponse,
  rateLimitOptionsFromEnv,
  redisRateLimitCounter,
} from '../src/index.js'

const quiet = { warn() {} }

async function redisRuns(): Promise<boolean> {
  const counter = redisRateLimitCounter({ url: REDIS_URL, prefix: 'oxtest:probe:', timeout: 1000 }, Date.now)
  try {
    await new Promise((r) => setTimeout(r, 50))
    await counter.hit('p', 60_000)
    return true
  } catch {
    return false
  } finally {
    await counter.close()
  }
}
const hasRedis = await redisRuns()

describe('memory counter', () => {
  test('counts per key in fixed windows and starts again in the next window', async () => {
    let now = 120_000 + 5
    const counter = memoryRateLimitCounter(() => now)
    expect(await counter.hit('a', 60_000)).toEqual({ count: 1, resetAt: 180_000 })
    expect((await counter.hit('a', 60_000)).count).toBe(2)
    expect((await counter.hit('b', 60_000)).count).toBe(1)
    now += 60_000
    expect((await counter.hit('a', 60_000)).count).toBe(1)
  })

  test('a flood of new keys stays bounded', async () => {
    const counter = memoryRateLimitCounter(() => 1000, 100)
    for (let i = 0; i < 1000; i++) await counter.hit(`k${i}`, 60_000)
    // The newest keys are still counted.
    expect((await counter.hit('k999', 60_000)).count).toBe(2)
  })
})

describe('limiter', () => {
  test('refuses past the limit with 429, Retry-After and no-store; the first refusal of a window is marked', async () => {
    const metrics = createServerMetrics()
    const limiter = createRateLimiter({
      service: 't',
      limits: parseRateLimitOptions({ rateLimitPerMinute: 2, rateLimitPerClientPerMinute: 1 }),
      now: () => 30_000,
      metrics,
      logger: quiet,
    })
    expect(limiter.backend).toBe('memory')
    expect(await limiter.check('ip', '203.0.113.7')).toBeUndefined()
    expect(await limiter.check('ip', '203.0.113.7')).toBeUndefined()
    const first = await limiter.check('ip', '203.0.113.7')
    expect(first).toMatchObject({ scope: 'ip', limit: 2, retryAfter: 30, first: true })
    expect((await limiter.check('ip', '203.0.113.7'))?.first).toBe(false)
    // Scopes count apart.
    expect(await limiter.check('client', '203.0.113.7')).toBeUndefined()
    expect((await limiter.check('client', '203.0.113.7'))?.scope).toBe('client')
    const res = rateLimitedResponse(first!)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'too many requests' })
    expect(metrics.registry.render()).toMatch(/openxaa_rate_limited_total\{scope="ip"\} 2/)
  })

  test('a limit set to false is off', async () => {
    const limiter = createRateLimiter({
      service: 't',
      limits: parseRateLimitOptions({ rateLimitPerMinute: false, rateLimitPerClientPerMinute: false }),
      now: Date.now,
      metrics: createServerMetrics(),
      logger: quiet,
    })
    for (let i = 0; i < 700; i++) expect(await limiter.check('ip', 'x')).toBeUndefined()
  })

  test('a counter that throws or never answers lets the request through, counts and logs once', async () => {
    const metrics = createServerMetrics()
    const warnings: Record<string, unknown>[] = []
    const limiter = createRateLimiter({
      service: 't',
      limits: parseRateLimitOptions({ rateLimitPerMinute: 1 }),
      shared: { hit: () => new Promise(() => {}) },
      sharedTimeout: 50,
      now: Date.now,
      metrics,
      logger: { warn: (_m, f) => warnings.push(f ?? {}) },
    })
    expect(limiter.backend).toBe('database')
    expect(await limiter.check('ip', 'a')).toBeUndefined()
    expect(await limiter.check('ip', 'a')).toBeUndefined()
    expect(metrics.registry.render()).toMatch(/openxaa_rate_limit_errors_total\{backend="database"\} 2/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ code: 'ERR_RATE_LIMIT_BACKEND', backend: 'database' })
  })
})

describe.skipIf(!hasRedis)('Redis counter', () => {
  const prefix = `oxtest:${randomBytes(4).toString('hex')}:`
  const limiters: { close(): Promise<void> }[] = []
  afterAll(async () => {
    for (const l of limiters) await l.close()
  })

  const redisLimiter = (url: string, perMinute: number) => {
    const limiter = createRateLimiter({
      service: 'as',
      limits: parseRateLimitOptions({ rateLimitPerMinute: perMinute, rateLimitRedis: { url, prefix, timeout: 1000 } }),
      now: Date.now,
      metrics: createServerMetrics(),
      logger: quiet,
    })
    limiters.push(limiter)
    return limiter
  }

  test('two instances on one Redis enforce one limit, atomically, and every key expires', async () => {
    const a = redisLimiter(REDIS_URL, 10)
    const b = redisLimiter(REDIS_URL, 10)
    expect(a.backend).toBe('redis')
    const id = `198.51.100.${randomBytes(1)[0]}`
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).check('ip', id)))
    expect(results.filter((r) => r === undefined)).toHaveLength(10)
    expect(results.filter((r) => r?.first)).toHaveLength(1)
    const { Redis } = await import('ioredis')
    const raw = new Redis(REDIS_URL)
    try {
      const keys = await raw.keys(`${prefix}*`)
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) {
        const ttl = await raw.pttl(key)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(65_000)
      }
      await raw.del(...keys)
    } finally {
      raw.disconnect()
    }
  })
})

describe('Redis down', () => {
  test('a closed port: every request is let through (fail open), counted and logged, never thrown', async () => {
    const metrics = createServerMetrics()
    const warnings: unknown[] = []
    const limiter = createRateLimiter({
      service: 'as',
      limits: parseRateLimitOptions({
        rateLimitPerMinute: 1,
        rateLimitRedis: { url: `redis://127.0.0.1:${await freePort()}`, timeout: 200 },
      }),
      now: Date.now,
      metrics,
      logger: { warn: (_m, f) => warnings.push(f) },
    })
    try {
      for (let i = 0; i < 5; i++) expect(await limiter.check('ip', '192.0.2.1')).toBeUndefined()
      expect(metrics.registry.render()).toMatch(/openxaa_rate_limit_errors_total\{backend="redis"\} 5/)
      expect(warnings.length).toBe(1)
    } finally {
      await limiter.close()
    }
  })
})

describe('options', () => {
  test('defaults, and a TypeError naming the bad option', () => {
    expect(parseRateLimitOptions({})).toEqual({ perMinute: 600, perClientPerMinute: 3000, redis: undefined })
    const bad = [
      [{ rateLimitPerMinute: 0 }, /options\.rateLimitPerMinute/],
      [{ rateLimitPerClientPerMinute: 1.5 }, /options\.rateLimitPerClientPerMinute/],
      [{ rateLimitRedis: { url: 'http://x' } }, /options\.rateLimitRedis\.url/],
      [{ rateLimitRedis: { url: 'redis://x', prefix: 'a b' } }, /options\.rateLimitRedis\.prefix/],
      [{ rateLimitRedis: { url: 'redis://x', timeout: 0 } }, /options\.rateLimitRedis\.timeout/],
    ] as const
    for (const [options, message] of bad) expect(() => parseRateLimitOptions(options as never)).toThrow(message)
  })

  test('from the config file too (the environment wins)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const file = join(mkdtempSync(join(tmpdir(), 'openxaa-rl-')), 'config.json')
    writeFileSync(
      file,
      JSON.stringify({ OPENXAA_RATE_LIMIT_PER_MINUTE: '50', OPENXAA_REDIS_URL: 'redis://cache:6379' }),
    )
    const env = applyConfigFile({ OPENXAA_CONFIG_FILE: file, OPENXAA_RATE_LIMIT_PER_MINUTE: '70' })
    expect(rateLimitOptionsFromEnv(env)).toMatchObject({
      rateLimitPerMinute: 70,
      rateLimitRedis: { url: 'redis://cache:6379' },
    })
  })

  test('from the environment, checked under the variable names', () => {
    expect(
      rateLimitOptionsFromEnv({
        OPENXAA_RATE_LIMIT_PER_MINUTE: '100',
        OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE: 'off',
        OPENXAA_REDIS_URL: 'redis://cache:6379/2',
        OPENXAA_REDIS_PREFIX: 'acme:rl:',
        OPENXAA_REDIS_TIMEOUT_MS: '250',
      }),
    ).toEqual({
      rateLimitPerMinute: 100,
      rateLimitPerClientPerMinute: false,
      rateLimitRedis: { url: 'redis://cache:6379/2', prefix: 'acme:rl:', timeout: 250 },
    })
    expect(rateLimitOptionsFromEnv({})).toEqual({})
    expect(() => rateLimitOptionsFromEnv({ OPENXAA_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(
      /OPENXAA_RATE_LIMIT_PER_MINUTE/,
    )
    expect(() => rateLimitOptionsFromEnv({ OPENXAA_REDIS_URL: 'cache:6379' })).toThrow(/OPENXAA_REDIS_URL/)
    expect(() => rateLimitOptionsFromEnv({ OPENXAA_REDIS_URL: 'redis://c', OPENXAA_REDIS_TIMEOUT_MS: 'x' })).toThrow(
      /OPENXAA_REDIS_TIMEOUT_MS/,
    )
  })
})

describe('client address', () => {
  const env = (remoteAddress: string, forwarded?: string) => ({
    incoming: { socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } },
  })
  test('socket peer; IPv4-mapped to IPv4; IPv6 by /64; X-Forwarded-For only behind a trusted proxy', () => {
    expect(clientAddress(env('203.0.113.9'))).toBe('203.0.113.9')
    expect(clientAddress(env('::ffff:203.0.113.9'))).toBe('203.0.113.9')
    expect(clientAddress(env('2001:db8:1:2:aaaa::1'))).toBe('2001:db8:1:2::/64')
    expect(clientAddress(env('2001:db8::1'))).toBe('2001:db8:0:0::/64')
    expect(clientAddress(env('::1'))).toBe('0:0:0:0::/64')
    const forwarded = env('10.0.0.1', '1.1.1.1, 198.51.100.4')
    expect(clientAddress(forwarded)).toBe('10.0.0.1')
    expect(clientAddress(forwarded, true)).toBe('198.51.100.4')
    expect(clientAddress(env('10.0.0.1'), true)).toBe('10.0.0.1')
    expect(clientAddress(undefined)).toBeUndefined()
  })
})
