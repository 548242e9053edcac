// Faults, short versions: the database goes away and comes back (PostgreSQL: the role loses its login and its
// sessions, then gets them back); a trusted issuer's JWKS becomes unreachable. The server keeps answering (503 or
// invalid_grant, never a crash), recovers without a restart, and loses nothing it acknowledged.
import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { afterAll, describe, expect, test } from 'vitest'
import { createOutageDatabase, type OutageDatabase, postgresForFaults } from '../../../test/support/postgres-outage.js'
import { until } from '../../../test/support/until.js'
import { auditOf, postForm, readJson, startAs } from './support/as.js'
import { AGENT, startWorld, type World } from './support/world.js'

const postgresRuns = await postgresForFaults()

const redeem = (w: World, assertion: string) =>
  postForm(w.as.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: [AGENT, w.secrets[AGENT]!] })
const ready = async (w: World) => (await fetch(`${w.as.issuer}/readyz`)).status

describe.skipIf(!postgresRuns)('the database goes away and comes back (PostgreSQL)', () => {
  let database: OutageDatabase | undefined
  let world: World
  afterAll(async () => {
    await world?.close()
    await database?.drop()
  })

  test('503 with Retry-After meanwhile, recovery without a restart, nothing acknowledged lost', async () => {
    database = await createOutageDatabase('oxfault')
    world = await startWorld({}, database.url)
    const acknowledged: { assertion: string; requestId: string }[] = []
    for (let i = 0; i < 3; i++) {
      const assertion = await world.idJag()
      const res = await redeem(world, assertion)
      expect(res.status).toBe(200)
      acknowledged.push({ assertion, requestId: res.headers.get('x-request-id')! })
    }
    expect(await ready(world)).toBe(200)

    await database.cut()
    const during = await redeem(world, await world.idJag())
    expect(during.status).toBe(503)
    expect(during.headers.get('retry-after')).toBe('1')
    expect(await readJson(during)).toMatchObject({ error: 'temporarily_unavailable' })
    expect(await ready(world)).toBe(503)
    const metrics = await (await fetch(`${world.as.issuer}/metrics`)).text()
    expect(metrics).toMatch(/openxaa_database_errors_total [1-9]/)

    await database.restore()
    await until(async () => (await ready(world)) === 200)
    expect((await redeem(world, await world.idJag())).status).toBe(200)
    for (const { assertion, requestId } of acknowledged) {
      const events = (await world.as.store.audit.query({ requestId })).events
      expect(events.map((e) => e.decision)).toEqual(['allow'])
      const replay = await redeem(world, assertion)
      expect(replay.status).toBe(400)
      expect((await readJson(replay)).error).toBe('invalid_grant')
      expect((await auditOf(world.as.store, replay))[0]?.reason).toBe('ERR_ID_JAG_REPLAY')
    }
  })
})

describe.skipIf(!postgresRuns)('rate limits on PostgreSQL are shared by replicas', () => {
  let database: OutageDatabase | undefined
  afterAll(() => database?.drop())

  test('three requests a minute from one address across two replicas: the fourth is 429 with Retry-After', async () => {
    database = await createOutageDatabase('oxrate')
    const url = database.url
    const a = await startAs(url, '/tmp', { rateLimitPerMinute: 3 })
    const b = await startAs(url, '/tmp', { rateLimitPerMinute: 3, issuer: a.issuer })
    // Both clocks a second into a window, so the four requests cannot straddle two windows.
    const offset = 60_000 - (Date.now() % 60_000) + 1000
    a.clock.offsetMs = offset
    b.clock.offsetMs = offset
    try {
      const statuses: number[] = []
      for (const replica of [a, b, a, b]) {
        const res = await postForm(replica.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'x' })
        statuses.push(res.status)
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      }
      expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true)
      expect(statuses[3]).toBe(429)
    } finally {
      await a.close()
      await b.close()
    }
  })
})

describe("an issuer's JWKS is unreachable", () => {
  let world: World
  afterAll(() => world?.close())

  test('cached keys keep working, an unknown key fails closed with invalid_grant, recovery is automatic', async () => {
    world = await startWorld()
    expect((await redeem(world, await world.idJag())).status).toBe(200)
    world.idp.jwksDown = true
    // The cached set still verifies ID-JAGs signed with its keys.
    expect((await redeem(world, await world.idJag())).status).toBe(200)
    // A new key the AS cannot fetch (past the refetch cooldown, so it tries): refused, never accepted unverified.
    const cachedKeyIdJag = await world.idJag()
    await world.idp.rotate()
    world.as.clock.offsetMs += 40_000
    const unknown = await redeem(world, await world.idJag())
    expect(unknown.status).toBe(400)
    expect((await readJson(unknown)).error).toBe('invalid_grant')
    expect((await auditOf(world.as.store, unknown))[0]?.reason).toMatch(/^ERR_/)
    const metrics = await (await fetch(`${world.as.issuer}/metrics`)).text()
    expect(metrics).toMatch(/openxaa_jwks_fetches_total\{result="error"\} [1-9]/)
    // The failed fetch did not drop the cached set.
    expect((await redeem(world, cachedKeyIdJag)).status).toBe(200)
    // Back up: after the refetch cooldown the new key is fetched and accepted, no restart.
    world.idp.jwksDown = false
    world.as.clock.offsetMs += 40_000
    expect((await redeem(world, await world.idJag())).status).toBe(200)
  })

  test('a JWKS that never answers: the fetch times out (5 s) and the request fails closed, it does not hang', async () => {
    world.idp.jwksHang = true
    await world.idp.rotate()
    world.as.clock.offsetMs += 40_000
    const started = Date.now()
    const res = await redeem(world, await world.idJag())
    expect(Date.now() - started).toBeLessThan(8000)
    expect(res.status).toBe(400)
    expect((await readJson(res)).error).toBe('invalid_grant')
    world.idp.jwksHang = false
  }, 15_000)
})
