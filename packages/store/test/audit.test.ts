import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type AuditEventInput, REDACTED_JWT, REDACTED_SECRET, type Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'
import { FAKE_JWE, FAKE_JWS } from './tokens.js'

describe.each(BACKENDS)('audit log on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
  })
  afterAll(() => b?.dispose())

  function event(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
    return { actor: { type: 'client', id: 'agent' }, action: 'id_jag.redeem', decision: 'allow', ...overrides }
  }

  test('append stores every field and query returns it as written', async () => {
    const requestId = randomUUID()
    const input: AuditEventInput = {
      at: clock.now,
      actor: { type: 'client', id: 'https://client.example/cimd.json' },
      action: 'id_jag.redeem',
      decision: 'deny',
      reason: 'ERR_ID_JAG_AUDIENCE',
      rule: '2(d).5 #17',
      detail: 'aud was the token endpoint URL',
      userId: 'u-1',
      subject: 'alice',
      clientId: 'agent',
      resource: 'https://mcp.chat.example/mcp',
      audience: 'https://auth.chat.example',
      issuer: 'https://idp.example',
      organization: 'acme',
      tenant: 'acme-tenant',
      requestId,
      data: { scope: ['chat.read', 'chat.history'], nested: { n: 1, ok: true, none: null } },
    }
    const stored = await store.audit.append(input)
    expect(stored).toMatchObject({ ...input, redacted: 0 })
    expect(stored.id).toBeTypeOf('number')
    const { events } = await store.audit.query({ requestId })
    expect(events).toEqual([stored])
  })

  test('newest first, cursor paging walks every event exactly once, ties broken by id', async () => {
    const requestId = randomUUID()
    const at = clock.now + 10_000
    // Two events share a timestamp: the cursor must not lose or repeat either.
    const times = [at, at + 1, at + 1, at + 2, at + 3, at + 4, at + 5]
    for (const [i, t] of times.entries()) await store.audit.append(event({ at: t, requestId, data: { i } }))
    const seen: number[] = []
    let cursor: string | undefined
    do {
      const page = await store.audit.query({ requestId, limit: 3, ...(cursor ? { cursor } : {}) })
      expect(page.events.length).toBeLessThanOrEqual(3)
      seen.push(...page.events.map((e) => e.data?.i as number))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0])
  })

  test('filters: user, client, audience, decision, action (exact, list, prefix), time range', async () => {
    const org = `org-${randomUUID()}`
    const t0 = clock.now + 100_000
    await store.audit.append(event({ at: t0, organization: org, userId: 'u1', clientId: 'c1', audience: 'a1' }))
    await store.audit.append(event({ at: t0 + 1, organization: org, userId: 'u2', clientId: 'c1', decision: 'deny' }))
    await store.audit.append(
      event({ at: t0 + 2, organization: org, userId: 'u1', audience: 'a2', action: 'id_jag.issue' }),
    )
    await store.audit.append(
      event({ at: t0 + 3, organization: org, action: 'admin.connection.update', decision: 'change' }),
    )
    const q = async (filter: Parameters<Store['audit']['query']>[0]) =>
      (await store.audit.query({ organization: org, ...filter })).events.map((e) => e.at - t0)
    expect(await q({})).toEqual([3, 2, 1, 0])
    expect(await q({ userId: 'u1' })).toEqual([2, 0])
    expect(await q({ clientId: 'c1' })).toEqual([1, 0])
    expect(await q({ audience: 'a2' })).toEqual([2])
    expect(await q({ decision: 'deny' })).toEqual([1])
    expect(await q({ decision: ['deny', 'change'] })).toEqual([3, 1])
    expect(await q({ action: 'id_jag.issue' })).toEqual([2])
    expect(await q({ action: ['id_jag.issue', 'admin.connection.update'] })).toEqual([3, 2])
    expect(await q({ action: 'id_jag.*' })).toEqual([2, 1, 0])
    expect(await q({ action: 'admin.*' })).toEqual([3])
    expect(await q({ since: t0 + 1, until: t0 + 3 })).toEqual([2, 1])
    expect(await q({ since: new Date(t0 + 3) })).toEqual([3])
  })

  // The token guard: attacks that try to get a credential into the table. Each must leave no trace of it.
  const secret = 'Zq8fT3kLm9Xw2Rv7Yp4Hs6Jd1Nc5Gb0A'
  const leaks = [
    {
      name: 'ID-JAG in detail',
      event: { detail: `assertion rejected: ${FAKE_JWS}` },
      needle: FAKE_JWS,
      mark: REDACTED_JWT,
    },
    { name: 'JWE in detail', event: { detail: FAKE_JWE }, needle: FAKE_JWE, mark: REDACTED_JWT },
    { name: 'JWS as clientId', event: { clientId: FAKE_JWS }, needle: FAKE_JWS, mark: REDACTED_JWT },
    { name: 'JWS as actor id', event: { actor: { type: 'user', id: FAKE_JWS } }, needle: FAKE_JWS, mark: REDACTED_JWT },
    { name: 'JWS in data', event: { data: { note: [FAKE_JWS] } }, needle: FAKE_JWS, mark: REDACTED_JWT },
    { name: 'JWS under an identifier key', event: { data: { jti: FAKE_JWS } }, needle: FAKE_JWS, mark: REDACTED_JWT },
    {
      name: 'secret-named data field',
      event: { data: { client_secret: 's3cr3t' } },
      needle: 's3cr3t',
      mark: REDACTED_SECRET,
    },
    {
      name: 'password in data',
      event: { data: { user: { password: 'hunter2' } } },
      needle: 'hunter2',
      mark: REDACTED_SECRET,
    },
    {
      name: 'secret= in detail',
      event: { detail: 'client_secret=hunter2&x=1' },
      needle: 'hunter2',
      mark: REDACTED_SECRET,
    },
    {
      name: 'Bearer credential',
      event: { detail: 'header was Bearer 2YotnFZFEjr1zCsicMWpAA' },
      needle: '2YotnFZFEjr1zCsicMWpAA',
      mark: REDACTED_SECRET,
    },
    { name: 'long random string in detail', event: { reason: `got ${secret}` }, needle: secret, mark: REDACTED_SECRET },
    {
      name: 'long hex in data',
      event: { data: { note: 'a'.repeat(20) + '0123456789abcdef'.repeat(3) } },
      needle: '0123456789abcdef',
      mark: REDACTED_SECRET,
    },
  ] as const
  for (const leak of leaks) {
    test(`guard: ${leak.name} never reaches the table`, async () => {
      const requestId = randomUUID()
      const stored = await store.audit.append(event({ requestId, ...leak.event }))
      expect(stored.redacted).toBeGreaterThanOrEqual(1)
      expect(JSON.stringify(stored)).toContain(leak.mark)
      // Read the raw row, not the repository's view of it.
      const raw = await store.db.selectFrom('audit_event').selectAll().where('request_id', '=', requestId).execute()
      expect(raw).toHaveLength(1)
      expect(JSON.stringify(raw)).not.toContain(leak.needle)
    })
  }

  test('guard keeps what an auditor needs: URLs, UUIDs, scopes, URNs, kids and token types', async () => {
    const kid = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
    const keep = {
      resource: 'https://mcp.chat.example/mcp',
      requestId: randomUUID(),
      detail: 'jti 6f1c2a9e-7d4b-4c1a-9e3f-2b8d5a7c1e90 redeemed twice for https://auth.chat.example/oauth2/token',
      data: { kid, requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag', scope: 'chat.read chat.history' },
    }
    const stored = await store.audit.append(event(keep))
    expect(stored).toMatchObject({ ...keep, redacted: 0 })
  })

  test('oversized data is replaced, not dropped, and the event is kept', async () => {
    const stored = await store.audit.append(event({ data: { list: Array.from({ length: 2000 }, (_, i) => i) } }))
    expect(stored.data).toEqual({ truncated: true })
  })

  test('append-only: there is no update API and the database refuses an UPDATE', async () => {
    const stored = await store.audit.append(event())
    expect(Object.keys(store.audit).sort()).toEqual(['append', 'purgeOlderThan', 'query', 'usage'])
    await expect(
      store.db
        .updateTable('audit_event')
        .set({ decision: 'allow', detail: 'rewritten' })
        .where('id', '=', stored.id)
        .execute(),
    ).rejects.toThrow(/append-only/)
    await expect(sql`update audit_event set action = 'x'`.execute(store.db)).rejects.toThrow(/append-only/)
  })

  test('usage: distinct users, events and newest time per (client, audience, resource), filtered', async () => {
    const tenant = `usage-${randomUUID()}`
    const issue = (at: number, userId: string, clientId: string, resource: string, decision: 'allow' | 'deny') =>
      store.audit.append(
        event({
          at,
          tenant,
          action: 'id_jag.issue',
          decision,
          userId,
          clientId,
          resource,
          audience: 'https://as.chat.example',
          ...(decision === 'deny' ? { reason: 'ERR_CONNECTION_DISABLED' } : {}),
        }),
      )
    await issue(clock.now - 3000, 'u1', 'agent', 'https://mcp.chat.example', 'allow')
    await issue(clock.now - 2000, 'u1', 'agent', 'https://mcp.chat.example', 'allow')
    await issue(clock.now - 1000, 'u2', 'agent', 'https://mcp.chat.example', 'allow')
    await issue(clock.now - 500, 'u3', 'other', 'https://mcp.chat.example', 'allow')
    await issue(clock.now, 'u1', 'agent', 'https://mcp.chat.example', 'deny')
    const allowed = await store.audit.usage({ tenant, action: 'id_jag.issue', decision: 'allow' })
    expect(allowed).toEqual([
      {
        clientId: 'other',
        audience: 'https://as.chat.example',
        resource: 'https://mcp.chat.example',
        users: 1,
        events: 1,
        lastAt: clock.now - 500,
      },
      {
        clientId: 'agent',
        audience: 'https://as.chat.example',
        resource: 'https://mcp.chat.example',
        users: 2,
        events: 3,
        lastAt: clock.now - 1000,
      },
    ])
    expect(await store.audit.usage({ tenant, userId: 'u2', decision: 'allow' })).toMatchObject([
      { clientId: 'agent', users: 1, events: 1 },
    ])
    expect(await store.audit.usage({ tenant, reason: 'ERR_CONNECTION_DISABLED' })).toMatchObject([
      { clientId: 'agent', users: 1, events: 1, lastAt: clock.now },
    ])
    expect(await store.audit.usage({ tenant, since: clock.now + 1 })).toEqual([])
  })

  test('retention purges by age only, when asked', async () => {
    const requestId = randomUUID()
    await store.audit.append(event({ at: 1_000, requestId }))
    await store.audit.append(event({ at: clock.now, requestId }))
    expect(await store.audit.purgeOlderThan(2_000)).toBeGreaterThanOrEqual(1)
    expect((await store.audit.query({ requestId })).events.map((e) => e.at)).toEqual([clock.now])
  })

  const mistakes = [
    { name: 'no actor', event: { action: 'x', decision: 'allow' } },
    { name: 'bad decision', event: { actor: { type: 'a', id: 'b' }, action: 'x', decision: 'maybe' } },
    { name: 'bad action', event: { actor: { type: 'a', id: 'b' }, action: 'has space', decision: 'info' } },
    { name: 'non-string field', event: { actor: { type: 'a', id: 'b' }, action: 'x', decision: 'info', clientId: 7 } },
  ]
  for (const m of mistakes) {
    test(`caller mistake is a TypeError: ${m.name}`, async () => {
      await expect(store.audit.append(m.event as unknown as AuditEventInput)).rejects.toThrow(TypeError)
    })
  }

  test('malformed cursor and limits are TypeErrors', async () => {
    await expect(store.audit.query({ cursor: 'not-a-cursor' })).rejects.toThrow(TypeError)
    await expect(store.audit.query({ limit: 0 })).rejects.toThrow(TypeError)
    await expect(store.audit.query({ limit: 501 })).rejects.toThrow(TypeError)
  })
})
