// Subject linking modes (2(d) step 10), one IdP with two tenants trusted by two organizations (decision 7), and the
// per-address rate limit of the credential endpoints (checklist #29).
import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAdminService } from '../src/index.js'
import { auditOf, postForm, type RunningAs, readJson, startAs } from './support/as.js'
import { startTestIdp, type TestIdp } from './support/idp.js'
import { AGENT, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let multi: TestIdp
let existing: string
const actor = { type: 'cli' as const, id: 'test' }

beforeAll(async () => {
  w = await startWorld()
  const service = createAdminService(w.as.server.context)
  // One multi-tenant IdP: tenant "north" belongs to organization north (email linking), "south" to south (JIT).
  multi = await startTestIdp({ aud: w.as.issuer, client_id: AGENT, resource: RESOURCE, scope: 'chat.read' })
  for (const [org, link] of [
    ['north', 'email'],
    ['south', 'jit'],
  ] as const) {
    await service.createOrganization(actor, { id: org })
    const trust = await service.createTrust(actor, {
      organizationId: org,
      issuer: multi.issuer,
      tenant: org,
      jwksUri: multi.jwksUri,
      linkingMode: link,
      emailDomains: ['north.example'],
    })
    await service.setTrustEnabled(actor, trust.id, true)
  }
  existing = (await w.as.store.authServer.accounts.create({ organizationId: 'north', email: 'ann@north.example' })).id
})
afterAll(async () => {
  await multi?.close()
  await w?.close()
})

function redeem(assertion: string, at: RunningAs = w.as) {
  return postForm(at.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: [AGENT, w.secrets[AGENT]!] })
}

describe('decision 7: one issuer, two tenants, two organizations', () => {
  test('each tenant’s ID-JAG produces a token inside its own organization only', async () => {
    const south = await redeem(await multi.mint({ tenant: 'south', sub: 'S1' }))
    expect(decodeJwt((await readJson(south)).access_token).tenant).toBe('south')
    expect((await auditOf(w.as.store, south))[0]).toMatchObject({ organization: 'south', decision: 'allow' })
    const unknownTenant = await redeem(await multi.mint({ tenant: 'east', sub: 'S1' }))
    expect((await auditOf(w.as.store, unknownTenant))[0]?.reason).toBe('ERR_ID_JAG_TENANT')
  })
})

describe('2(d).10 linking by verified email in a listed domain', () => {
  test('a verified email links a new subject to the existing account', async () => {
    const res = await redeem(
      await multi.mint({ tenant: 'north', sub: 'N1', email: 'Ann@north.example', extra: { email_verified: true } }),
    )
    expect(res.status).toBe(200)
    expect(decodeJwt((await readJson(res)).access_token).sub).toBe(existing)
    expect((await auditOf(w.as.store, res))[0]?.data).toMatchObject({ linking: 'email' })
    // From now on the subject itself is linked: no email needed.
    const again = await redeem(await multi.mint({ tenant: 'north', sub: 'N1' }))
    expect(decodeJwt((await readJson(again)).access_token).sub).toBe(existing)
  })

  const refusals: [string, Record<string, unknown>][] = [
    ['email not verified', { sub: 'N2', email: 'ann@north.example' }],
    ['email_verified is a string', { sub: 'N3', email: 'ann@north.example', extra: { email_verified: 'true' } }],
    ['domain not listed', { sub: 'N4', email: 'ann@evil.example', extra: { email_verified: true } }],
    ['no account has the email', { sub: 'N5', email: 'bob@north.example', extra: { email_verified: true } }],
  ]
  for (const [name, input] of refusals) {
    test(`refused: ${name}`, async () => {
      const res = await redeem(await multi.mint({ tenant: 'north', ...input }))
      expect(res.status).toBe(400)
      expect((await readJson(res)).error).toBe('invalid_grant')
      expect((await auditOf(w.as.store, res))[0]?.reason).toBe('ERR_ID_JAG_SUBJECT')
    })
  }
})

describe('[#29] rate limit of the token endpoint', () => {
  test('past the limit: 429 with Retry-After, audited once per window', async () => {
    const limited = await startAs(w.db.url, w.db.dir, { issuer: w.as.issuer, rateLimitPerMinute: 3 })
    try {
      const statuses: number[] = []
      let last: Response | undefined
      for (let i = 0; i < 5; i++) {
        last = await postForm(limited.tokenUrl, { grant_type: 'x' })
        statuses.push(last.status)
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429])
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
      const { events } = await limited.store.audit.query({ action: 'request.rate_limit' })
      expect(events).toHaveLength(1)
      expect(events[0]?.reason).toBe('ERR_RATE_LIMITED')
      limited.clock.offsetMs = 61_000
      expect((await postForm(limited.tokenUrl, { grant_type: 'x' })).status).toBe(401)
    } finally {
      await limited.close()
    }
  })
})
