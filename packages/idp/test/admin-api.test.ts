import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentedRoutes } from '../src/admin/openapi/index.js'
import { operations } from '../src/index.js'
import { Browser } from './support/browser.js'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  FILES_ISSUER,
  FILES_MCP,
  type Harness,
  PASSWORD,
  REDIRECT_URI,
  signIn,
  startHarness,
} from './support/harness.js'

describe('admin API', () => {
  let h: Harness
  let key: string
  beforeAll(async () => {
    h = await startHarness()
    key = (await operations.createApiKey(h.admin, 'ci')).key
  })
  afterAll(() => h?.close())

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.issuer}/admin/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
  }

  test('the OpenAPI document describes exactly the routes the app serves', async () => {
    const res = await fetch(`${h.issuer}/admin/api/openapi.json`)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    const served = h.idp.app.routes
      .filter((r) => r.path.startsWith('/admin/api/') && r.method !== 'ALL' && !r.path.endsWith('/openapi.json'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.slice('/admin/api'.length).replace(/:(\w+)/g, '{$1}')}`)
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    )
    expect(new Set(served)).toEqual(new Set(documented))
    expect(documented).toHaveLength(documentedRoutes().length)
  })

  test('no credentials: 401; a bad API key: 401; a signed-in non-admin: 403; a signed-in admin: 200', async () => {
    expect((await fetch(`${h.issuer}/admin/api/users`)).status).toBe(401)
    expect((await api('GET', '/users', undefined, { authorization: 'Bearer oxa_nope' })).status).toBe(401)
    const bobBrowser = new Browser()
    await signIn(h, h.clients.agent, { username: 'bob', browser: bobBrowser })
    expect((await bobBrowser.request(`${h.issuer}/admin/api/users`)).status).toBe(403)
    const aliceBrowser = new Browser()
    await signIn(h, h.clients.agent, { username: 'alice', browser: aliceBrowser })
    const res = await aliceBrowser.request(`${h.issuer}/admin/api/users`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    // A browser session may not change anything without a JSON content type (no cross-site forms).
    const form = await aliceBrowser.request(`${h.issuer}/admin/api/keys/rotate`, { method: 'POST' })
    expect(form.status).toBe(403)
  })

  test('a whole deployment configured through the API: the new user signs in and gets an ID-JAG', async () => {
    const user = await api('POST', '/users', { username: 'dave', email: 'dave@acme.example', password: PASSWORD })
    expect(user.status).toBe(201)
    expect(JSON.stringify(user.body)).not.toContain(PASSWORD)
    const group = await api('POST', '/groups', { name: 'support' })
    expect((await api('PUT', `/groups/${group.body.id}/members/${user.body.id}`)).status).toBe(204)
    const client = await api('POST', '/clients', {
      clientId: 'support-bot',
      name: 'Support bot',
      redirectUris: [REDIRECT_URI],
      firstParty: true,
    })
    expect(client.status).toBe(201)
    const secret = client.body.clientSecret as string
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await api('GET', '/clients/support-bot')).body.clientSecret).toBeUndefined()
    const app = await api('POST', '/applications', { name: 'Tickets', issuer: 'https://as.tickets.example' })
    await api('PUT', `/applications/${app.body.id}/resources`, {
      uri: 'https://mcp.tickets.example',
      scopes: ['tickets.read', 'tickets.write'],
    })
    await api('PUT', `/applications/${app.body.id}/client-ids/support-bot`, { rasClientId: 'tickets-client-7' })
    const missingConsent = await api('POST', '/connections', {
      clientId: 'support-bot',
      applicationId: app.body.id,
      resource: 'https://mcp.tickets.example',
      groups: [group.body.id],
      scopes: ['tickets.read'],
    })
    expect(missingConsent.status).toBe(400)
    const connection = await api('POST', '/connections', {
      clientId: 'support-bot',
      applicationId: app.body.id,
      resource: 'https://mcp.tickets.example',
      groups: [group.body.id],
      scopes: ['tickets.read'],
      consentGrantedBy: 'it-admin@acme.example',
    })
    expect(connection.status).toBe(201)
    expect(connection.body.consentGrantedBy).toBe('it-admin@acme.example')

    const bot = { clientId: 'support-bot', secret }
    const tokens = await signIn(h, bot, { username: 'dave' })
    const res = await exchange(
      h,
      { audience: 'https://as.tickets.example', subject_token: tokens.id_token },
      { client: bot },
    )
    expect(res.status).toBe(200)
    expect(res.body.scope).toBe('tickets.read')

    // Disabling the connection through the API stops issuance at once.
    await api('PATCH', `/connections/${connection.body.id}`, { enabled: false })
    const refused = await exchange(
      h,
      { audience: 'https://as.tickets.example', subject_token: tokens.id_token },
      { client: bot },
    )
    expect(refused.body.error).toBe('access_denied')

    // The audit log answers by user, client, application and decision; it never holds the secret or the password.
    const byUser = await api('GET', `/audit?user=${user.body.id}&action=id_jag.*`)
    expect(byUser.body.events.map((e: { decision: string }) => e.decision)).toEqual(['deny', 'allow'])
    const byApp = await api('GET', `/audit?application=${app.body.id}&decision=deny`)
    expect(byApp.body.events[0]).toMatchObject({ reason: 'ERR_CONNECTION_DISABLED', clientId: 'support-bot' })
    const changes = await api('GET', '/audit?client=support-bot&decision=change')
    expect(changes.body.events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['admin.client.create', 'admin.connection.create', 'admin.connection.disable']),
    )
    expect(changes.body.events[0].actor.type).toBe('api_key')
    // By time: since is inclusive, until exclusive (epoch ms); the refusal's own millisecond selects it.
    const refusal = byApp.body.events[0] as { at: number; id: unknown }
    const at = await api(
      'GET',
      `/audit?application=${app.body.id}&decision=deny&since=${refusal.at}&until=${refusal.at + 1}`,
    )
    expect(at.body.events.map((e: { id: unknown }) => e.id)).toEqual([refusal.id])
    const before = await api('GET', `/audit?application=${app.body.id}&decision=deny&until=${refusal.at}`)
    expect(before.body.events).toEqual([])
    expect((await api('GET', '/audit?since=yesterday')).status).toBe(400)
    const everything = JSON.stringify((await h.store.audit.query({ limit: 500 })).events)
    expect(everything).not.toContain(secret)
    expect(everything).not.toContain(PASSWORD)
  })

  test('key rotation through the API: published 60 s ahead by default, at once when asked; bad timings are 400', async () => {
    const before = await api('GET', '/keys')
    const oldKid = before.body.keys[0].kid
    const next = await api('POST', '/keys/rotate')
    expect(next.status).toBe(201)
    expect(next.body).toMatchObject({ status: 'next', retireAt: null })
    expect(next.body.activateAt - h.clock.now).toBeGreaterThan(59_000)
    expect(decodeProtectedHeader((await signIn(h, h.clients.agent)).id_token).kid).toBe(oldKid)
    const pending = await api('GET', '/keys')
    expect(pending.body.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [next.body.kid, 'next'],
      [oldKid, 'current'],
    ])
    for (const body of [
      { activateAfterSeconds: -1 },
      { activateAfterSeconds: 1.5 },
      { activateAfterSeconds: '60' },
      { activateAfterSeconds: 86_400 * 30 + 1 },
      { retireAfterSeconds: 86_400 * 31 },
      { activateAfter: 60 },
    ]) {
      const bad = await api('POST', '/keys/rotate', body)
      expect(bad.status).toBe(400)
      expect(bad.body.error).toBe('invalid_request')
    }
    expect((await api('GET', '/keys')).body.keys).toHaveLength(2)
    // activateAfterSeconds 0 switches at once; the pending key, which never signed, is dropped.
    const now = await api('POST', '/keys/rotate', { activateAfterSeconds: 0 })
    expect(now.status).toBe(201)
    expect(now.body.status).toBe('current')
    const tokens = await signIn(h, h.clients.agent)
    expect(decodeProtectedHeader(tokens.id_token).kid).toBe(now.body.kid)
    const listed = await api('GET', '/keys')
    expect(listed.body.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [now.body.kid, 'current'],
      [oldKid, 'previous'],
      [next.body.kid, 'retired'],
    ])
  })

  test('a user_connection block stops one user on one connection only (ERR_BLOCKED), and is lifted through the API', async () => {
    const connection = (await h.store.idp.connections.list({ clientId: 'agent' })).find((k) => k.resource === CHAT_MCP)!
    const tokens = await signIn(h, h.clients.agent, { username: 'carol' })
    const ask = (resource: string, audience: string) =>
      exchange(h, { audience, resource, subject_token: tokens.id_token }, { client: h.clients.agent })
    expect((await api('POST', '/blocks', { kind: 'user_connection', target: `${connection.id}:nobody` })).status).toBe(
      404,
    )
    const block = await api('POST', '/blocks', { kind: 'user_connection', target: `${connection.id}:${h.users.carol}` })
    expect(block.status).toBe(201)
    expect(await ask(CHAT_MCP, CHAT_ISSUER)).toMatchObject({ status: 400, body: { error: 'access_denied' } })
    const refusal = (await h.store.audit.query({ userId: h.users.carol, action: 'id_jag.issue', limit: 1 })).events[0]
    expect(refusal).toMatchObject({ decision: 'deny', reason: 'ERR_BLOCKED' })
    expect(refusal?.detail).toMatch(/^user_connection blocked/)
    expect((await ask(FILES_MCP, FILES_ISSUER)).status).toBe(200)
    expect((await api('DELETE', `/blocks/${block.body.id}`)).status).toBe(204)
    expect((await ask(CHAT_MCP, CHAT_ISSUER)).status).toBe(200)
  })

  test('errors: conflict 409, unknown field 400, unknown row 404, client secret rotation', async () => {
    expect((await api('POST', '/users', { username: 'alice' })).status).toBe(409)
    expect((await api('POST', '/users', { username: 'eve', admin: true })).status).toBe(400)
    expect((await api('GET', '/users/nobody')).status).toBe(404)
    expect((await api('GET', '/nothing-here')).status).toBe(404)
    const rotated = await api('POST', '/clients/agent/secret')
    expect(rotated.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const old = await exchange(
      h,
      { audience: 'https://as.chat.example', subject_token: 'x' },
      { client: h.clients.agent },
    )
    expect(old.status).toBe(401)
  })
})
