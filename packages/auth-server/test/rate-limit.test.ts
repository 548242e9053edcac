// [#29] Rate limits of the token endpoint, as attacks: a client spreading its requests over several addresses, a
// flood from one address, replicas sharing one limit through PostgreSQL and through Redis, and Redis going away
// (the limiter fails open: requests are still answered, never with a 500).
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { buildBasicAuthorization, GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../../../test/support/child-process.js'
import { REDIS_URL, redisUp } from '../../../test/support/redis.js'
import { type RunningAs, startAs } from './support/as.js'
import { AGENT, AGENT_B, startWorld, type World } from './support/world.js'

const POSTGRES_URL = process.env.OPENXAA_TEST_POSTGRES_URL

/** POSTs a token request from a given loopback address (all of 127/8 is loopback on Linux). */
function postFrom(
  from: string,
  url: string,
  params: Record<string, string>,
  basic?: [string, string],
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }> {
  const body = new URLSearchParams(params).toString()
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...(basic ? { authorization: buildBasicAuthorization(...basic) } : {}),
          ...extraHeaders,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A jwt-bearer request whose client authenticates; the assertion is garbage (answered 400 invalid_grant). */
const redeemFrom = (from: string, as: RunningAs, w: World, client = AGENT) =>
  postFrom(from, as.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'x.y.z' }, [client, w.secrets[client]!])

/** Moves both clocks a second into a minute window, so a short burst cannot straddle two windows. */
function alignClocks(...replicas: RunningAs[]): void {
  const offset = 60_000 - (Date.now() % 60_000) + 1000
  for (const r of replicas) r.clock.offsetMs = offset
}

describe('per client and per address (one instance)', () => {
  let w: World
  beforeAll(async () => {
    w = await startWorld({ rateLimitPerMinute: 5, rateLimitPerClientPerMinute: 3 })
    alignClocks(w.as)
  })
  afterAll(() => w?.close())

  test('a client over its limit from four addresses is refused, audited once; wrong secrets do not spend its budget', async () => {
    // Someone guessing the client's secret from elsewhere: refused 401, counted against that address only.
    for (let i = 0; i < 4; i++) {
      const guess = await postFrom('127.0.0.9', w.as.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'x' }, [
        AGENT,
        'wrong',
      ])
      expect(guess.status).toBe(401)
    }
    const statuses: number[] = []
    let refused: Awaited<ReturnType<typeof postFrom>> | undefined
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.2']) {
      const res = await redeemFrom(from, w.as, w)
      statuses.push(res.status)
      if (res.status === 429) refused = res
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429])
    expect(refused?.body).toEqual({ error: 'temporarily_unavailable', error_description: 'too many requests' })
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(refused?.headers['cache-control']).toBe('no-store')
    const { events } = await w.as.store.audit.query({ action: 'request.rate_limit' })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ reason: 'ERR_RATE_LIMITED', clientId: AGENT, actor: { id: AGENT } })
    // Another client is not affected.
    expect((await redeemFrom('127.0.0.6', w.as, w, AGENT_B)).status).toBe(400)
    const metrics = await (await fetch(`${w.as.issuer}/metrics`)).text()
    expect(metrics).toMatch(/openxaa_rate_limited_total\{scope="client"\} 2/)
  })

  test('a flood from one address is refused, other addresses are still served', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await postFrom('127.0.0.7', w.as.tokenUrl, { grant_type: 'x' })).status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    expect((await postFrom('127.0.0.8', w.as.tokenUrl, { grant_type: 'x' })).status).toBe(401)
  })
})

describe('behind a proxy (X-Forwarded-For)', () => {
  const through = (as: RunningAs, forwardedFor: string) =>
    postFrom('127.0.3.1', as.tokenUrl, { grant_type: 'x' }, undefined, { 'x-forwarded-for': forwardedFor })

  test('without trustProxy the header is ignored: forged addresses do not escape the limit', async () => {
    const w = await startWorld({ rateLimitPerMinute: 2 })
    try {
      alignClocks(w.as)
      const statuses = []
      for (const forged of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        statuses.push((await through(w.as, forged)).status)
      expect(statuses).toEqual([401, 401, 429])
    } finally {
      await w.close()
    }
  })

  test('with trustProxy each caller behind the proxy has its own limit, keyed by the entry the proxy added', async () => {
    const w = await startWorld({ rateLimitPerMinute: 2, trustProxy: true })
    try {
      alignClocks(w.as)
      // One caller, forging an earlier entry each time: the proxy's (last) entry is what counts.
      const caller = []
      for (const forged of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
        caller.push((await through(w.as, `${forged}, 198.51.100.7`)).status)
      }
      expect(caller).toEqual([401, 401, 429])
      // Another caller behind the same proxy (same socket peer) is still served.
      expect((await through(w.as, '198.51.100.8')).status).toBe(401)
      const { events } = await w.as.store.audit.query({ action: 'request.rate_limit' })
      expect(events).toHaveLength(1)
    } finally {
      await w.close()
    }
  })
})

describe.skipIf(!(await redisUp()))('two replicas sharing one Redis', () => {
  const prefix = `oxtest:${randomBytes(4).toString('hex')}:`
  let w: World
  let b: RunningAs
  afterAll(async () => {
    await b?.close()
    await w?.close()
    const { Redis } = await import('ioredis')
    const r = new Redis(REDIS_URL)
    const keys = await r.keys(`${prefix}*`)
    if (keys.length > 0) await r.del(...keys)
    r.disconnect()
  })

  test('enforce one per-client and one per-address limit', async () => {
    const limits = { rateLimitPerMinute: 6, rateLimitPerClientPerMinute: 3, rateLimitRedis: { url: REDIS_URL, prefix } }
    w = await startWorld(limits)
    b = await startAs(w.db.url, w.db.dir, { ...limits, issuer: w.as.issuer })
    expect(w.as.server.metrics.registry.render()).not.toMatch(/rate_limit_errors_total\{/)
    alignClocks(w.as, b)
    const perClient: number[] = []
    for (const [i, replica] of [w.as, b, w.as, b].entries()) {
      perClient.push((await redeemFrom(`127.0.1.${i + 1}`, replica, w)).status)
    }
    expect(perClient).toEqual([400, 400, 400, 429])
    const perAddress: number[] = []
    for (const replica of [w.as, b, w.as, b, w.as, b, w.as]) {
      perAddress.push((await postFrom('127.0.1.9', replica.tokenUrl, { grant_type: 'x' })).status)
    }
    expect(perAddress).toEqual([401, 401, 401, 401, 401, 401, 429])
    for (const replica of [w.as, b]) {
      expect(replica.server.metrics.registry.render()).not.toMatch(/openxaa_rate_limit_errors_total\{/)
    }
  })
})

describe('Redis down', () => {
  test('requests are still answered (fail open): no 429, no 500, the failure is counted', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const w = await startWorld({ rateLimitPerMinute: 1, rateLimitRedis: { url, timeout: 200 } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await redeemFrom('127.0.2.1', w.as, w)).status)
      expect(statuses).toEqual([400, 400, 400, 400])
      const metrics = await (await fetch(`${w.as.issuer}/metrics`)).text()
      expect(metrics).toMatch(/openxaa_rate_limit_errors_total\{backend="redis"\} [1-9]/)
    } finally {
      await w.close()
    }
  })
})

describe.skipIf(!POSTGRES_URL)('two replicas sharing one PostgreSQL (OPENXAA_TEST_POSTGRES_URL)', () => {
  const schema = `openxaa_rl_${randomBytes(5).toString('hex')}`
  const admin = () => new pg.Client({ connectionString: POSTGRES_URL })
  let w: World
  let b: RunningAs
  beforeAll(async () => {
    const c = admin()
    await c.connect()
    await c.query(`create schema ${schema}`)
    await c.end()
  })
  afterAll(async () => {
    await b?.close()
    await w?.close()
    const c = admin()
    await c.connect()
    await c.query(`drop schema if exists ${schema} cascade`)
    await c.end()
  })

  test('enforce one per-client limit', async () => {
    const url = new URL(POSTGRES_URL!)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const limits = { rateLimitPerClientPerMinute: 3 }
    w = await startWorld(limits, url.toString())
    b = await startAs(url.toString(), w.db.dir, { ...limits, issuer: w.as.issuer })
    expect(w.as.store.dialect).toBe('postgres')
    alignClocks(w.as, b)
    const statuses: number[] = []
    for (const [i, replica] of [w.as, b, w.as, b].entries()) {
      statuses.push((await redeemFrom(`127.0.3.${i + 1}`, replica, w)).status)
    }
    expect(statuses).toEqual([400, 400, 400, 429])
  })
})
