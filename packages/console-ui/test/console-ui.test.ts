import { Hono } from 'hono'
import { expect, test } from 'vitest'
import {
  CONSOLE_CSP,
  type ConsoleSession,
  consoleAssets,
  consoleCookies,
  consoleSessions,
  consoleStyle,
  PostButton,
  readPostedForm,
  securityHeaders,
  sessionAndCsrf,
  Time,
} from '../src/index.js'

const KEYS = ['k'.repeat(32), 'old'.repeat(11)]
const idp = consoleCookies({ label: 'openxaa-console', flashCookie: 'f' })
const as = consoleCookies({ label: 'openxaa-as-console', flashCookie: 'f' })

test('a sealed value opens under any key, for its purpose and console only', () => {
  const sealed = idp.seal(KEYS, 'session', { sid: 'a' })
  expect(idp.unseal(KEYS, 'session', sealed)).toEqual({ sid: 'a' })
  expect(idp.unseal([KEYS[1]!, KEYS[0]!], 'session', sealed)).toEqual({ sid: 'a' }) // rotated: old keys verify
  expect(idp.unseal(KEYS, 'flash', sealed)).toBeUndefined() // another purpose
  expect(as.unseal(KEYS, 'session', sealed)).toBeUndefined() // the other console
  expect(idp.unseal([KEYS[1]!], 'session', sealed)).toBeUndefined() // the signing key is gone
})

test('a forged or truncated seal is refused', () => {
  const sealed = idp.seal(KEYS, 'session', { sid: 'a' })
  const [value, mac] = sealed.split('.') as [string, string]
  const forged = `${Buffer.from(JSON.stringify({ sid: 'b' })).toString('base64url')}.${mac}`
  for (const attempt of [forged, value, `.${mac}`, `${value}.`, `${value}.${mac.slice(1)}`, '']) {
    expect(idp.unseal(KEYS, 'session', attempt)).toBeUndefined()
  }
})

test('the CSRF token is bound to the session and refused without one', () => {
  const token = idp.csrfToken(KEYS, 'sid-1')
  expect(idp.checkCsrf(KEYS, 'sid-1', token)).toBe(true)
  expect(idp.checkCsrf(KEYS, 'sid-2', token)).toBe(false)
  expect(idp.checkCsrf(KEYS, undefined, token)).toBe(false)
  expect(idp.checkCsrf(KEYS, 'sid-1', null)).toBe(false)
  expect(as.checkCsrf(KEYS, 'sid-1', token)).toBe(false)
})

test('the style sheet carries the brand colours and the extra rules', () => {
  const css = consoleStyle(
    {
      brand: '#111111',
      brandDark: '#222222',
      nav: '#333333',
      navHover: '#444444',
      navCurrent: '#555555',
      changeBadge: '#666666',
    },
    '.only-here{color:red}\n',
  )
  for (const colour of ['#111111', '#222222', '#333333', '#444444', '#555555', '#666666']) expect(css).toContain(colour)
  expect(css).toContain('.only-here{color:red}')
  expect(css).not.toContain('${')
})

test('assets are served under hashed names with a long cache; other names are 404', async () => {
  const assets = consoleAssets('body{color:red}')
  const app = new Hono()
  assets.mount(app, '/console')
  const { css, js } = assets.paths('/console')
  expect(css).toMatch(/^\/console\/assets\/console\.[A-Za-z0-9]{12}\.css$/)
  const res = await app.request(css)
  expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  expect(await res.text()).toBe('body{color:red}')
  expect((await app.request(js)).headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  expect((await app.request('/console/assets/console.0000.css')).status).toBe(404)
  expect(consoleAssets('body{color:blue}').paths('/console').css).not.toBe(css)
})

test('every answer carries the CSP and frame denial; no-store unless the route cached', async () => {
  const app = new Hono()
  app.use('*', securityHeaders())
  app.get('/page', (c) => c.text('ok'))
  app.get('/cached', (c) => c.text('ok', 200, { 'Cache-Control': 'max-age=60' }))
  const page = await app.request('/page')
  expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
  expect(CONSOLE_CSP).toContain("script-src 'self'")
  expect(page.headers.get('x-frame-options')).toBe('DENY')
  expect(page.headers.get('cache-control')).toBe('no-store')
  expect((await app.request('/cached')).headers.get('cache-control')).toBe('max-age=60')
})

test('a posted form of another type or over the limit reads as empty (so its CSRF check fails)', async () => {
  const app = new Hono()
  app.post('/', async (c) => c.text((await readPostedForm(c, 64)).get('csrf') ?? '(none)'))
  const post = async (body: string, type = 'application/x-www-form-urlencoded') =>
    (await app.request('/', { method: 'POST', body, headers: { 'content-type': type } })).text()
  expect(await post('csrf=abc')).toBe('abc')
  expect(await post('csrf=abc', 'text/plain')).toBe('(none)')
  expect(await post(`csrf=abc&x=${'a'.repeat(100)}`)).toBe('(none)')
})

// Components are called as functions: a .ts test has no JSX.
test('components escape what they show', () => {
  const html = String(PostButton({ action: '/x', csrf: '"><script>', label: '<b>' }))
  expect(html).not.toContain('<script>')
  expect(html).not.toContain('<b>')
  expect(html).toContain('&lt;b&gt;')
})

test('a time without `now` is absolute, with `now` relative', () => {
  const ms = Date.UTC(2026, 0, 31, 14, 5)
  expect(String(Time({ ms }))).toContain('2026-01-31</span> <span class="nowrap">14:05 UTC')
  expect(String(Time({ ms, now: ms + 180_000 }))).toContain('3 min ago')
  expect(String(Time({ ms: null }))).toContain('never')
})

test('sessions: a written session reads back until it expires; anonymous and signed-in lifetimes differ', async () => {
  const sessions = consoleSessions({
    cookie: 's',
    flashCookie: 'f',
    label: 'test',
    who: 'uid',
    lifetime: 100,
    anonymousLifetime: 10,
  })
  const settings = { keys: KEYS, path: '/console', secure: true }
  const anonymous = sessions.create(1000)
  const alice = sessions.create(1000, 'alice')
  expect(anonymous).toMatchObject({ exp: 1010 })
  expect(anonymous.uid).toBeUndefined()
  expect(alice).toMatchObject({ uid: 'alice', exp: 1100 })
  expect(alice.sid).not.toBe(anonymous.sid)
  const app = new Hono()
  app.get('/write', (c) => {
    sessions.write(c, settings, alice, 1000)
    return c.text('ok')
  })
  app.get('/read/:now', (c) => c.json(sessions.read(c, settings, Number(c.req.param('now'))) ?? null))
  const cookie = (await app.request('/write')).headers.get('set-cookie') ?? ''
  expect(cookie).toMatch(/HttpOnly/)
  expect(cookie).toMatch(/SameSite=Lax/)
  expect(cookie).toMatch(/Secure/)
  const pair = cookie.split(';')[0]!
  expect(await (await app.request('/read/1099', { headers: { cookie: pair } })).json()).toEqual(alice)
  expect(await (await app.request('/read/1100', { headers: { cookie: pair } })).json()).toBeNull()
})

test('sessionAndCsrf: a POST without the session CSRF token reaches onForgery and never the handler', async () => {
  const sessions = consoleSessions({
    cookie: 's',
    flashCookie: 'f',
    label: 'test',
    who: 'kid',
    lifetime: 100,
    anonymousLifetime: 10,
  })
  const settings = { keys: KEYS, path: '/', secure: false }
  let handled = 0
  const app = new Hono<{ Variables: { session: ConsoleSession<'kid'>; form: URLSearchParams } }>()
  app.use(
    '*',
    sessionAndCsrf({
      sessions,
      settings,
      nowSeconds: () => 1000,
      maxFormBytes: 1024,
      onForgery: async (c) => c.text('forged', 403),
    }),
  )
  app.get('/', (c) => c.text(sessions.csrfToken(KEYS, c.var.session)))
  app.post('/', (c) => {
    handled++
    return c.text(c.var.form.get('x') ?? '')
  })
  const first = await app.request('/')
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
  const token = await first.text()
  const post = (body: string, withCookie = true) =>
    app.request('/', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(withCookie ? { cookie } : {}) },
    })
  expect((await post('x=1')).status).toBe(403)
  expect((await post(`x=1&csrf=${idp.csrfToken(KEYS, 'another-session')}`)).status).toBe(403)
  expect((await post(`x=1&csrf=${token}`, false)).status).toBe(403) // a fresh session: the token is not its own
  expect(handled).toBe(0)
  const ok = await post(`x=1&csrf=${token}`)
  expect([ok.status, await ok.text(), handled]).toEqual([200, '1', 1])
})
