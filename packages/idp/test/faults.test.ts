// Faults at the IdP, short versions: the database goes away and comes back (PostgreSQL: the role loses its login and
// its sessions, then gets them back). Every endpoint answers 503 with Retry-After meanwhile (OAuth JSON, a plain page
// for browsers, the admin API's JSON), never a 500 or a stack trace; /readyz says not ready; the IdP recovers without
// a restart and loses nothing it acknowledged, and a request answered 503 left nothing half done.
import { buildBasicAuthorization } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createOutageDatabase,
  type OutageDatabase,
  postgresForFaults,
  type SilentProxy,
  startSilentProxy,
} from '../../../test/support/postgres-outage.js'
import { until } from '../../../test/support/until.js'
import type { IdpRuntime } from '../src/context.js'
import { operations } from '../src/index.js'
import { validateIdToken } from '../src/token-exchange/subject-token.js'
import { Browser, formAction, hiddenField } from './support/browser.js'
import {
  authorizationUrl,
  authorize,
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  type Harness,
  PASSWORD,
  pkce,
  redeemCode,
  signIn,
  startHarness,
  type TokenSet,
} from './support/harness.js'

const postgresRuns = await postgresForFaults()

/** What every answer during the outage must be: a 503 with Retry-After, the right body, no stack trace. */
async function expectUnavailable(res: Response, kind: 'json' | 'html'): Promise<void> {
  const text = await res.text()
  expect({ status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' })
  expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|node_modules|Error:/)
  if (kind === 'json') {
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(JSON.parse(text)).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.any(String) })
  } else {
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(text).toMatch(/temporarily unavailable/i)
  }
}

describe.skipIf(!postgresRuns)('the database goes away and comes back (PostgreSQL)', () => {
  let database: OutageDatabase | undefined
  let h: Harness
  let apiKey = ''
  beforeAll(async () => {
    database = await createOutageDatabase('oxidpfault')
    h = await startHarness({}, { databaseUrl: database.url })
    apiKey = (await operations.createApiKey(h.admin, 'faults')).key
  })
  afterAll(async () => {
    await h?.close()
    await database?.drop()
  })

  const ready = async () => (await fetch(`${h.issuer}/readyz`)).status
  const idJag = (tokens: TokenSet) =>
    exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read', subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
  const refresh = (refreshToken: string) =>
    fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization(h.clients.agent.clientId, h.clients.agent.secret),
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    })
  const adminApi = (path: string) =>
    fetch(`${h.issuer}/admin/api${path}`, { headers: { authorization: `Bearer ${apiKey}` } })
  const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

  test('503 with Retry-After on every endpoint meanwhile, recovery without a restart, nothing acknowledged lost', async () => {
    const tokens = await signIn(h, h.clients.agent)
    expect(tokens.refresh_token).toBeDefined()
    const issued: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await idJag(tokens)
      expect(res.status).toBe(200)
      issued.push(decodeJwt(String(res.body.access_token)).jti!)
    }
    // A code the client has not redeemed yet, a sign-in page open in a browser, a console session.
    const signedIn = new Browser()
    const pending = await authorize(h, h.clients.agent, { browser: signedIn })
    const signingIn = new Browser()
    const { challenge } = pkce()
    const opened = await signingIn.follow(authorizationUrl(h, h.clients.agent, challenge))
    const signInPage = await opened.res!.text()
    expect(opened.res!.status).toBe(200)
    const consoleBrowser = new Browser()
    const consolePage = await (await consoleBrowser.request(`${h.issuer}/console/sign-in`)).text()
    const consoleSignIn = await consoleBrowser.request(`${h.issuer}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: hiddenField(consolePage, 'csrf') ?? '',
        username: 'alice',
        password: PASSWORD,
      }),
    })
    expect(consoleSignIn.status).toBe(303)
    expect(await ready()).toBe(200)

    await database!.cut()

    // The token exchange (the IdP's own route) and the grants oidc-provider serves.
    const during = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read', subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    expect({ status: during.status, retryAfter: during.headers.get('retry-after') }).toEqual({
      status: 503,
      retryAfter: '1',
    })
    expect(during.body).toMatchObject({ error: 'temporarily_unavailable' })
    await expectUnavailable(await refresh(tokens.refresh_token!), 'json')
    await expectUnavailable(await redeemCode(h, h.clients.agent, pending), 'json')
    await expectUnavailable(
      await fetch(`${h.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      'json',
    )
    await expectUnavailable(
      await fetch(`${h.issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: buildBasicAuthorization(h.clients.agent.clientId, h.clients.agent.secret),
        },
        body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: 'refresh_token' }),
      }),
      'json',
    )
    // Pages of a signed-in browser that oidc-provider renders: the device flow's code page, RP-initiated logout.
    await expectUnavailable(await signedIn.request(`${h.issuer}/device`, { headers: html }), 'html')
    await expectUnavailable(await signedIn.request(`${h.issuer}/session/end`, { headers: html }), 'html')
    // Browser pages: the authorization endpoint, the open sign-in page and its form, the console.
    const { challenge: other } = pkce()
    await expectUnavailable(
      await new Browser().request(authorizationUrl(h, h.clients.agent, other), { headers: html }),
      'html',
    )
    await expectUnavailable(await signingIn.request(opened.url, { headers: html }), 'html')
    await expectUnavailable(
      await signingIn.request(formAction(signInPage, opened.url), {
        method: 'POST',
        headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf: hiddenField(signInPage, 'csrf') ?? '',
          username: 'alice',
          password: PASSWORD,
        }),
      }),
      'html',
    )
    await expectUnavailable(await consoleBrowser.request(`${h.issuer}/console/users`, { headers: html }), 'html')
    // The admin API, in its own JSON error shape.
    await expectUnavailable(await adminApi('/users'), 'json')
    // Past the key-check interval: the ID token's keys and the provider's key are read again, and cannot be.
    h.clock.advance(10)
    const keysUnreadable = await idJag(tokens)
    expect({ status: keysUnreadable.status, error: keysUnreadable.body.error }).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
    })
    await expectUnavailable(await refresh(tokens.refresh_token!), 'json')
    expect(await ready()).toBe(503)
    const metrics = await (await fetch(`${h.issuer}/metrics`)).text()
    const counted = Number(/^openxaa_database_errors_total (\d+)$/m.exec(metrics)?.[1])
    expect(counted).toBeGreaterThanOrEqual(14)
    expect(metrics).not.toMatch(/status="500"/)

    await database!.restore()
    await until(async () => (await ready()) === 200)

    // Everything works again, and the requests answered 503 consumed nothing: the same code and refresh token work.
    const after = await idJag(tokens)
    expect(after.status).toBe(200)
    issued.push(decodeJwt(String(after.body.access_token)).jti!)
    expect((await redeemCode(h, h.clients.agent, pending)).status).toBe(200)
    const refreshed = await refresh(tokens.refresh_token!)
    expect(refreshed.status).toBe(200)
    expect(await refreshed.json()).toMatchObject({ refresh_token: expect.any(String), id_token: expect.any(String) })
    expect((await signingIn.request(opened.url)).status).toBe(200)
    expect((await consoleBrowser.request(`${h.issuer}/console/users`)).status).toBe(200)
    expect((await adminApi('/users')).status).toBe(200)

    // Every ID-JAG answered 200 has its audit event, and no issuance was audited that was not answered.
    const { events } = await h.store.audit.query({ action: 'id_jag.issue', decision: 'allow', limit: 100 })
    expect(events.map((e) => e.data?.jti).sort()).toEqual([...issued].sort())
  })
})

describe.skipIf(!postgresRuns)('a database server that stops answering (PostgreSQL behind a silent proxy)', () => {
  let database: OutageDatabase | undefined
  let proxy: SilentProxy | undefined
  let h: Harness
  beforeAll(async () => {
    database = await createOutageDatabase('oxidpsilent')
    proxy = await startSilentProxy()
    h = await startHarness({}, { databaseUrl: proxy.through(database.url), connectTimeoutMs: 5000 })
  })
  afterAll(async () => {
    proxy?.restore()
    await h?.close()
    await proxy?.close()
    await database?.drop()
  })

  test('requests are answered 503 once the connection wait runs out, never left hanging; recovery after', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const exchangeNow = () =>
      exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read', subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
    expect((await exchangeNow()).status).toBe(200)

    proxy!.silence()
    // Each of these would wait for the server for as long as TCP allows without the store's connection timeout.
    const [exchanged, refreshed, me] = await Promise.all([
      exchangeNow(),
      fetch(`${h.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: buildBasicAuthorization(h.clients.agent.clientId, h.clients.agent.secret),
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
      }),
      fetch(`${h.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    ])
    expect({ status: exchanged.status, error: exchanged.body.error }).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
    })
    await expectUnavailable(refreshed, 'json')
    await expectUnavailable(me, 'json')
    expect((await fetch(`${h.issuer}/readyz`)).status).toBe(503)

    proxy!.restore()
    await until(async () => (await fetch(`${h.issuer}/readyz`)).status === 200)
    expect((await exchangeNow()).status).toBe(200)
  }, 120_000)
})

test('ID-token keys that cannot be read are no refusal: the database error goes up (answered 503), not invalid_grant', async () => {
  const outage = new Error('Connection terminated unexpectedly')
  const runtime = {
    options: { issuer: 'https://idp.example' },
    now: () => Date.now(),
    idTokenKeys: {
      get: async () => {
        throw outage
      },
    },
  } as unknown as IdpRuntime
  const token = `${Buffer.from('{"alg":"ES256","kid":"k1"}').toString('base64url')}.e30.${'A'.repeat(86)}`
  await expect(validateIdToken(runtime, token, 'agent')).rejects.toBe(outage)
})
