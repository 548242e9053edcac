// [#29] Rate limits of the IdP's token endpoint, as attacks, on both paths that serve it: the Hono token-exchange
// route (ID token subject, secret authentication) and oidc-provider (refresh-token subject, other grants, failed
// authentication). A client spreading its exchanges over several addresses, a flood from one address, replicas
// sharing one limit through Redis and through PostgreSQL, and Redis going away (fail open: still served, no 500).
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import {
  buildBasicAuthorization,
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
} from '@openxaa/protocol'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../../../test/support/child-process.js'
import { REDIS_URL, redisUp } from '../../../test/support/redis.js'
import { CHAT_ISSUER, CHAT_MCP, type Harness, type SeededClient, signIn, startHarness } from './support/harness.js'

const POSTGRES_URL = process.env.OPENXAA_TEST_POSTGRES_URL

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }

/** POSTs a form to `issuer + path` from a given loopback address (all of 127/8 is loopback on Linux). */
function postFrom(
  from: string,
  issuer: string,
  path: string,
  params: Record<string, string>,
  client?: SeededClient,
): Promise<Answer> {
  const body = new URLSearchParams(params).toString()
  return new Promise((resolve, reject) => {
    const req = request(
      `${issuer}${path}`,
      {
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...(client ? { authorization: buildBasicAuthorization(client.clientId, client.secret) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: Record<string, unknown> = {}
          try {
            parsed = JSON.parse(text)
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A token exchange from `from`: an ID token goes through the Hono route, a refresh token through oidc-provider. */
function exchangeFrom(
  from: string,
  issuer: string,
  client: SeededClient,
  subject: { id_token: string } | { refresh_token: string },
): Promise<Answer> {
  const [subject_token, subject_token_type] =
    'id_token' in subject ? [subject.id_token, TOKEN_TYPE_ID_TOKEN] : [subject.refresh_token, TOKEN_TYPE_REFRESH_TOKEN]
  return postFrom(
    from,
    issuer,
    '/token',
    {
      grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
      requested_token_type: TOKEN_TYPE_ID_JAG,
      audience: CHAT_ISSUER,
      resource: CHAT_MCP,
      subject_token,
      subject_token_type,
    },
    client,
  )
}

/** Moves the IdP clock a second into a minute window (forward only: oidc-provider stamps with the real clock). */
function alignClock(h: Harness): void {
  h.clock.offset = 60_000 - (Date.now() % 60_000) + 1000
}

async function rateLimitAudit(h: Harness) {
  return (await h.store.audit.query({ action: 'request.rate_limit' })).events
}

describe('per client and per address (one instance)', () => {
  let h: Harness
  let tokens: { id_token: string; refresh_token: string }
  beforeAll(async () => {
    h = await startHarness({ rateLimitPerMinute: 8, rateLimitPerClientPerMinute: 3 })
    const set = await signIn(h, h.clients.agent)
    tokens = { id_token: set.id_token, refresh_token: set.refresh_token! }
    alignClock(h)
  })
  afterAll(() => h?.close())

  test('a client over its limit from five addresses is refused on both paths, audited once; wrong secrets do not spend it', async () => {
    const wrong = { ...h.clients.agent, secret: 'wrong' }
    for (let i = 0; i < 3; i++) {
      expect((await exchangeFrom('127.0.0.9', h.issuer, wrong, { id_token: tokens.id_token })).status).toBe(401)
    }
    const agent = h.clients.agent
    const served = [
      await exchangeFrom('127.0.0.2', h.issuer, agent, { id_token: tokens.id_token }),
      await exchangeFrom('127.0.0.3', h.issuer, agent, { refresh_token: tokens.refresh_token }),
      await exchangeFrom('127.0.0.4', h.issuer, agent, { id_token: tokens.id_token }),
    ]
    expect(served.map((a) => a.status)).toEqual([200, 200, 200])
    const refused = [
      await exchangeFrom('127.0.0.5', h.issuer, agent, { refresh_token: tokens.refresh_token }),
      await exchangeFrom('127.0.0.6', h.issuer, agent, { id_token: tokens.id_token }),
    ]
    for (const answer of refused) {
      expect(answer.status).toBe(429)
      expect(answer.body).toEqual({ error: 'temporarily_unavailable', error_description: 'too many requests' })
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(answer.headers['cache-control']).toContain('no-store')
    }
    const events = await rateLimitAudit(h)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ reason: 'ERR_RATE_LIMITED', decision: 'deny', clientId: 'agent' })
    // Another client is not limited by it (its exchange of agent's ID token is refused for its own reason).
    const other = await exchangeFrom('127.0.0.6', h.issuer, h.clients.other, { id_token: tokens.id_token })
    expect(other.status).toBe(400)
    const metrics = await (await fetch(`${h.issuer}/metrics`)).text()
    expect(metrics).toMatch(/openxaa_rate_limited_total\{scope="client"\} 2/)
  })

  test('a flood from one address is refused on /token (both paths), /token/revocation and /device/auth', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      // Falls through the Hono route (the secret does not verify) to oidc-provider.
      statuses.push((await exchangeFrom('127.0.0.7', h.issuer, { ...h.clients.agent, secret: 'x' }, tokens)).status)
      // Never read by the Hono route: another grant.
      statuses.push((await postFrom('127.0.0.7', h.issuer, '/token', { grant_type: 'authorization_code' })).status)
    }
    expect(statuses.every((s) => s !== 429 && s < 500)).toBe(true)
    for (const path of ['/token', '/token/revocation', '/device/auth']) {
      const answer = await postFrom('127.0.0.7', h.issuer, path, { grant_type: 'x', token: 'x', client_id: 'agent' })
      expect(answer.status).toBe(429)
      expect(answer.body.error).toBe('temporarily_unavailable')
    }
    expect((await postFrom('127.0.0.8', h.issuer, '/token', { grant_type: 'x' })).status).not.toBe(429)
    expect((await rateLimitAudit(h)).filter((e) => e.actor.id === 'unauthenticated')).toHaveLength(1)
  })
})

describe('bodies the per-address limit reads before handing the request on', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  test('a 200 KB chunked body is refused with a 4xx, not a 5xx or a hang; the next request is served', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      for (let i = 0; i < 50; i++) req.write(`a${i}=${'x'.repeat(4096)}&`)
      req.end()
    })
    expect(status).toBeGreaterThanOrEqual(400)
    expect(status).toBeLessThan(500)
    const set = await signIn(h, h.clients.agent)
    expect((await exchangeFrom('127.0.0.1', h.issuer, h.clients.agent, { id_token: set.id_token })).status).toBe(200)
  })
})

/** The main instance and a replica, each exchanging tokens signed in at itself, against one per-client limit. */
async function oneLimitAcrossReplicas(h: Harness): Promise<number[]> {
  const replica = await h.replica()
  try {
    const atMain = await signIn(h, h.clients.agent)
    const atReplica = await signIn({ issuer: replica.issuer }, h.clients.agent)
    alignClock(h)
    return [
      (await exchangeFrom('127.0.1.1', h.issuer, h.clients.agent, { id_token: atMain.id_token })).status,
      (await exchangeFrom('127.0.1.2', replica.issuer, h.clients.agent, { id_token: atReplica.id_token })).status,
      (await exchangeFrom('127.0.1.3', h.issuer, h.clients.agent, { refresh_token: atMain.refresh_token! })).status,
      (await exchangeFrom('127.0.1.4', replica.issuer, h.clients.agent, { id_token: atReplica.id_token })).status,
    ]
  } finally {
    await replica.close()
    await replica.idp.close()
  }
}

describe.skipIf(!(await redisUp()))('two replicas sharing one Redis', () => {
  const prefix = `oxtest:${randomBytes(4).toString('hex')}:`
  afterAll(async () => {
    const { Redis } = await import('ioredis')
    const r = new Redis(REDIS_URL)
    const keys = await r.keys(`${prefix}*`)
    if (keys.length > 0) await r.del(...keys)
    r.disconnect()
  })

  test('enforce one per-client limit', async () => {
    const h = await startHarness({ rateLimitPerClientPerMinute: 3, rateLimitRedis: { url: REDIS_URL, prefix } })
    try {
      expect(await oneLimitAcrossReplicas(h)).toEqual([200, 200, 200, 429])
      expect(h.idp.metrics.registry.render()).not.toMatch(/openxaa_rate_limit_errors_total\{/)
    } finally {
      await h.close()
    }
  })
})

describe.skipIf(!POSTGRES_URL)('two replicas sharing one PostgreSQL (OPENXAA_TEST_POSTGRES_URL)', () => {
  const schema = `openxaa_rl_${randomBytes(5).toString('hex')}`
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: POSTGRES_URL })
    await c.connect()
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  }
  beforeAll(() => admin(`create schema ${schema}`))
  afterAll(() => admin(`drop schema if exists ${schema} cascade`))

  test('enforce one per-client limit', async () => {
    const url = new URL(POSTGRES_URL!)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const h = await startHarness({ rateLimitPerClientPerMinute: 3 }, { databaseUrl: url.toString() })
    try {
      expect(h.store.dialect).toBe('postgres')
      expect(await oneLimitAcrossReplicas(h)).toEqual([200, 200, 200, 429])
    } finally {
      await h.close()
    }
  })
})

describe('Redis down', () => {
  test('token exchanges are still served on both paths (fail open), no 500, the failure is counted', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const h = await startHarness({ rateLimitPerMinute: 1, rateLimitPerClientPerMinute: 1, rateLimitRedis: { url } })
    try {
      const set = await signIn(h, h.clients.agent)
      const statuses = [
        (await exchangeFrom('127.0.2.1', h.issuer, h.clients.agent, { id_token: set.id_token })).status,
        (await exchangeFrom('127.0.2.1', h.issuer, h.clients.agent, { refresh_token: set.refresh_token! })).status,
        (await exchangeFrom('127.0.2.1', h.issuer, h.clients.agent, { id_token: set.id_token })).status,
      ]
      expect(statuses).toEqual([200, 200, 200])
      const metrics = await (await fetch(`${h.issuer}/metrics`)).text()
      expect(metrics).toMatch(/openxaa_rate_limit_errors_total\{backend="redis"\} [1-9]/)
    } finally {
      await h.close()
    }
  })
})
