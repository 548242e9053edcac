// Health, readiness and metrics of the IdP, and the POST-only endpoints the fuzzer found answering GET with a 500.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, signIn, startHarness } from './support/harness.js'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h?.close())

test('/healthz and /readyz answer 200 with the database and the signing key checked', async () => {
  expect((await fetch(`${h.issuer}/healthz`)).status).toBe(200)
  const ready = await fetch(`${h.issuer}/readyz`)
  expect(ready.status).toBe(200)
  expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', signing_keys: 'ok' } })
})

test('/metrics counts requests by route and status, and ID-JAG issuances from the audit events', async () => {
  const tokens = await signIn(h, h.clients.agent)
  const issued = await exchange(
    h,
    { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read', subject_token: tokens.id_token! },
    { client: h.clients.agent },
  )
  expect(issued.status).toBe(200)
  const text = await (await fetch(`${h.issuer}/metrics`)).text()
  expect(text).toMatch(/# TYPE openxaa_http_requests_total counter/)
  expect(text).toMatch(/openxaa_http_requests_total\{method="POST",route="\/token",status="200"\} [1-9]/)
  expect(text).toMatch(/openxaa_issuances_total\{action="id_jag.issue"\} 1/)
  expect(text).toMatch(/openxaa_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} 1/)
})

test.each(['/token', '/device/auth', '/token/revocation'])(
  'GET %s is 405 with Allow: POST, not a 500',
  async (path) => {
    const res = await fetch(`${h.issuer}${path}`)
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await res.json()).toMatchObject({ error: 'invalid_request' })
  },
)
