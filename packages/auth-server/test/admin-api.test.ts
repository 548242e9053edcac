// The admin JSON API: API-key authentication, every change audited with the key as actor, secrets shown once,
// "verify issuer metadata", and an organization set up through it redeeming an ID-JAG end to end.
import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { postForm, type RunningAs, readJson, startAs, tempDatabase } from './support/as.js'
import { startTestIdp, type TestIdp } from './support/idp.js'

const db = tempDatabase()
let as: RunningAs
let idp: TestIdp
let key: string
let keyId: string

beforeAll(async () => {
  as = await startAs(db.url, db.dir)
  idp = await startTestIdp({
    aud: as.issuer,
    client_id: 'chat-agent',
    resource: 'https://mcp.files.example',
    scope: 'files.read',
    tenant: 't-42',
  })
  const created = await as.store.authServer.apiKeys.create('test')
  key = created.key
  keyId = created.apiKey.id
})
afterAll(async () => {
  await idp?.close()
  await as?.close()
  db.dispose()
})

function api(method: string, path: string, body?: unknown, apiKey: string | null = key) {
  return fetch(`${as.issuer}/admin/api${path}`, {
    method,
    headers: { ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
}

describe('admin API authentication', () => {
  test('no key, a malformed key, a wrong key → 401, audited as refusals', async () => {
    for (const apiKey of [null, 'nonsense', `${key.slice(0, -2)}AA`]) {
      const res = await api('GET', '/organizations', undefined, apiKey)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      const requestId = res.headers.get('x-request-id')!
      const [event] = (await as.store.audit.query({ requestId })).events
      expect(event).toMatchObject({ action: 'admin.authenticate', decision: 'deny' })
      expect(JSON.stringify(event)).not.toContain(key)
    }
  })
})

describe('admin API changes', () => {
  let trustId: string
  let clientSecret: string

  test('organizations: create (201), conflict (409), bad input (400), list', async () => {
    expect((await api('POST', '/organizations', { id: 'files-co', name: 'Files Co' })).status).toBe(201)
    expect((await api('POST', '/organizations', { id: 'files-co' })).status).toBe(409)
    expect((await api('POST', '/organizations', { id: 'Not Valid!' })).status).toBe(400)
    expect((await api('POST', '/organizations', '{not json')).status).toBe(400)
    const list = (await (await api('GET', '/organizations')).json()) as { organizations: { id: string }[] }
    expect(list.organizations.map((o) => o.id)).toEqual(['files-co'])
  })

  test('issuer trusts: created disabled, verified against the issuer metadata, enabled', async () => {
    const res = await api('POST', '/organizations/files-co/trusts', {
      issuer: idp.issuer,
      tenant: 't-42',
      allowedClientIds: ['chat-agent'],
      linkingMode: 'jit',
    })
    expect(res.status).toBe(201)
    const trust = (await res.json()) as { id: string; enabled: boolean; jwksUri: string | null }
    expect(trust).toMatchObject({ enabled: false, jwksUri: null })
    trustId = trust.id
    const verified = await api('POST', `/trusts/${trustId}/verify`)
    expect(verified.status).toBe(200)
    expect(await verified.json()).toMatchObject({ jwksUri: idp.jwksUri, keys: 1, trust: { jwksUri: idp.jwksUri } })
    expect((await (await api('POST', `/trusts/${trustId}/enable`)).json()) as object).toMatchObject({ enabled: true })
    expect((await api('POST', '/trusts/tr_missing/enable')).status).toBe(404)
    expect((await api('POST', '/organizations/nope/trusts', { issuer: 'https://x.example' })).status).toBe(404)
  })

  test('verifying an unreachable issuer → 422 with the reason, audited', async () => {
    const org = await api('POST', '/organizations', { id: 'dead-co' })
    expect(org.status).toBe(201)
    const t = (await (await api('POST', '/organizations/dead-co/trusts', { issuer: 'http://127.0.0.1:9' })).json()) as {
      id: string
    }
    const res = await api('POST', `/trusts/${t.id}/verify`)
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: string }).error).toBe('verification_failed')
  })

  test('clients: the secret is returned once, at creation, never by a read', async () => {
    const res = await api('POST', '/clients', { clientId: 'chat-agent', name: 'Chat agent' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { secret: string; client: { clientId: string; hasSecret: boolean } }
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(created.client).toMatchObject({ clientId: 'chat-agent', hasSecret: true })
    clientSecret = created.secret
    const read = await (await api('GET', '/clients/chat-agent')).text()
    expect(read).not.toContain(clientSecret)
    expect(await (await api('GET', '/clients')).text()).not.toContain(clientSecret)
  })

  test('resources: create and update scopes', async () => {
    expect((await api('POST', '/resources', { uri: 'https://mcp.files.example', scopes: ['files.read'] })).status).toBe(
      201,
    )
    const patched = await api('PATCH', `/resources?uri=${encodeURIComponent('https://mcp.files.example')}`, {
      scopes: ['files.read', 'files.write'],
    })
    expect(await patched.json()).toMatchObject({ scopes: ['files.read', 'files.write'] })
  })

  test('the organization set up through the API redeems an ID-JAG end to end', async () => {
    const res = await postForm(
      as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await idp.mint({}) },
      { basic: ['chat-agent', clientSecret] },
    )
    expect(res.status).toBe(200)
    expect((await readJson(res)).scope).toBe('files.read')
  })

  test('every change is in the audit log with the API key as actor, and no secret', async () => {
    const page = (await (await api('GET', '/audit?action=admin.*&limit=100')).json()) as {
      events: { action: string; actor: { type: string; id: string }; decision: string }[]
    }
    const actions = page.events.map((e) => e.action).sort()
    expect(actions).toEqual(
      expect.arrayContaining([
        'admin.organization.create',
        'admin.trust.create',
        'admin.trust.verify',
        'admin.trust.enable',
        'admin.client.create',
        'admin.resource.create',
        'admin.resource.update',
      ]),
    )
    for (const e of page.events.filter((x) => x.decision === 'change')) {
      expect(e.actor).toEqual({ type: 'admin', id: keyId })
    }
    expect(JSON.stringify(page)).not.toContain(clientSecret)
  })

  test('signing keys: rotation publishes the next key 60 s ahead; bad timings are 400; 0 and 0 switches at once', async () => {
    const jwksKids = async () =>
      ((await (await fetch(`${as.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
    const [oldKid] = await jwksKids()
    const res = await api('POST', '/keys/rotate')
    expect(res.status).toBe(200)
    const next = (await res.json()) as { kid: string; activateAt: number }
    expect(next.activateAt - as.clock.fn()).toBeGreaterThan(59_000)
    expect(await jwksKids()).toEqual([oldKid, next.kid])
    expect((await as.store.keys.current('as')).kid).toBe(oldKid)
    expect((await as.store.keys.current('as', next.activateAt)).kid).toBe(next.kid)
    for (const body of [
      { activateAfterSeconds: -1 },
      { activateAfterSeconds: 2.5 },
      { activateAfterSeconds: '60' },
      { retireAfterSeconds: 86_400 * 30 + 1 },
      { activate: 60 },
    ]) {
      const bad = await api('POST', '/keys/rotate', body)
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
    }
    const emergency = await api('POST', '/keys/rotate', { activateAfterSeconds: 0, retireAfterSeconds: 0 })
    const now = (await emergency.json()) as { kid: string }
    expect(await jwksKids()).toEqual([now.kid])
    expect((await as.store.keys.current('as')).kid).toBe(now.kid)
    const [event] = (await as.store.audit.query({ action: 'admin.keys.rotate' })).events
    expect(event?.data).toMatchObject({ kid: now.kid, activateAfterSeconds: 0, retireAfterSeconds: 0 })
  })

  test('API keys: created through the API (shown once), revoked', async () => {
    const created = (await (await api('POST', '/api-keys', { name: 'ci' })).json()) as { id: string; key: string }
    expect((await api('GET', '/organizations', undefined, created.key)).status).toBe(200)
    expect((await api('POST', `/api-keys/${created.id}/revoke`)).status).toBe(200)
    expect((await api('GET', '/organizations', undefined, created.key)).status).toBe(401)
    expect(await (await api('GET', '/api-keys')).text()).not.toContain(created.key)
  })
})
