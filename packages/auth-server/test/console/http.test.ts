// The resource AS console over HTTP, no browser: cookie attributes (Secure on an https issuer), CSRF and API-key
// refusals, the console switch and its options, assets with a long cache.
import { openStore, type Store } from '@openxaa/store'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONSOLE_CSP } from '../../src/console/index.js'
import { createAuthServer, parseOptions } from '../../src/index.js'
import { KEK, tempDatabase } from '../support/as.js'

const ISSUER = 'https://as.chat.example'

describe('resource AS console over HTTP', () => {
  const db = tempDatabase()
  let store: Store
  let fetchApp: (path: string, init?: RequestInit) => Promise<Response>

  beforeAll(async () => {
    store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
    const as = createAuthServer({ store }, { issuer: ISSUER, cookieKeys: ['c'.repeat(32)] })
    fetchApp = (path, init) => as.fetch(new Request(`${ISSUER}${path}`, init))
  })
  afterAll(async () => {
    await store?.close()
    db.dispose()
  })

  async function session(): Promise<{ cookie: string; csrf: string }> {
    const res = await fetchApp('/console/sign-in')
    const set = res.headers.getSetCookie().find((c) => c.startsWith('openxaa_as_console=')) ?? ''
    const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? ''
    return { cookie: set.split(';')[0] ?? '', csrf }
  }

  test('pages are behind sign-in, with the strict CSP; the session cookie is HttpOnly, SameSite=Lax and Secure', async () => {
    const res = await fetchApp('/console/clients')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/console/sign-in')
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('openxaa_as_console='))
    expect(cookie).toMatch(/; Path=\/console; HttpOnly; Secure; SameSite=Lax/)
  })

  test('attack: signing in without the CSRF token is refused (403, audited ERR_CSRF)', async () => {
    const { key } = await store.authServer.apiKeys.create('ops')
    const { cookie } = await session()
    const res = await fetchApp('/console/sign-in', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ apiKey: key }),
    })
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie().some((c) => c.includes('Max-Age=28800'))).toBe(false)
    expect((await store.audit.query({ action: 'console.csrf', limit: 1 })).events[0]).toMatchObject({
      reason: 'ERR_CSRF',
    })
  })

  test('attack: a wrong API key opens no session and is audited', async () => {
    const { cookie, csrf } = await session()
    const res = await fetchApp('/console/sign-in', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf,
        apiKey: 'oxas_ak_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    })
    expect(res.status).toBe(400)
    const event = (await store.audit.query({ action: 'console.sign_in', limit: 1 })).events[0]
    expect(event).toMatchObject({ decision: 'deny', reason: 'ERR_ADMIN_API_KEY' })
    expect(JSON.stringify(event)).not.toContain('AAAAAAAA')
  })

  test('the style sheet is a hashed file with a one-year immutable cache', async () => {
    const page = await (await fetchApp('/console/sign-in')).text()
    const css = /href="(\/console\/assets\/console\.[A-Za-z0-9]+\.css)"/.exec(page)?.[1]
    const res = await fetchApp(css ?? '/none')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })

  test('options: console off serves nothing there; cookie keys must be long enough', async () => {
    const off = createAuthServer({ store }, { issuer: ISSUER, console: false })
    expect((await off.fetch(new Request(`${ISSUER}/console/sign-in`))).status).toBe(404)
    expect(() => parseOptions({ issuer: ISSUER, cookieKeys: ['short'] })).toThrow(/options\.cookieKeys/)
    expect(parseOptions({ issuer: ISSUER }).cookieKeys).toHaveLength(1)
  })
})
