// The IdP console over plain HTTP (no browser): the session cookie's attributes, signature and rotation at sign-in,
// CSRF refusals (audited as ERR_CSRF), sign-in failures, non-administrators, disabled users, assets, the CSV cell
// rules. Security rules are attacks that expect the refusal.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '@openxaa/store'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { csvCell } from '../../src/console/audit-export.js'
import { CONSOLE_CSP } from '../../src/console/index.js'
import { createIdp, operations } from '../../src/index.js'
import { Browser, hiddenField } from '../support/browser.js'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  FILES_MCP,
  type Harness,
  PASSWORD,
  signIn,
  startHarness,
} from '../support/harness.js'

async function signedIn(h: Harness, username: string): Promise<Browser> {
  const browser = new Browser()
  const page = await (await browser.request(`${h.issuer}/console/sign-in`)).text()
  const res = await browser.request(`${h.issuer}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: hiddenField(page, 'csrf') ?? '', username, password: PASSWORD }),
  })
  expect(res.status).toBe(303)
  return browser
}

describe('IdP console over HTTP', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  test('every page is behind sign-in, with the strict CSP and no caching', async () => {
    const res = await fetch(`${h.issuer}/console/connections`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fconnections')
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    const page = await fetch(`${h.issuer}/console/sign-in`)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
    expect(await page.text()).not.toMatch(/<style|style=|<script>/)
  })

  test('the session cookie: HttpOnly, SameSite=Lax, scoped to /console, no Secure on a loopback http issuer', async () => {
    const res = await fetch(`${h.issuer}/console/sign-in`)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('openxaa_console='))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\/console/)
    expect(cookie).not.toMatch(/; Secure/)
  })

  test('the session cookie is Secure when the issuer is https', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openxaa-console-'))
    const store = await openStore({
      url: `sqlite:${join(dir, 'idp.db')}`,
      keyEncryptionKey: randomBytes(32).toString('base64url'),
      dataDir: dir,
    })
    try {
      const idp = await createIdp(
        { store },
        { issuer: 'https://idp.acme.example', tenant: 'acme', cookieKeys: ['k'.repeat(32)], passwordHashCost: 12 },
      )
      const res = await idp.app.request('https://idp.acme.example/console/sign-in')
      expect(res.status).toBe(200)
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('openxaa_console='))
      expect(cookie).toMatch(/; Secure/)
      expect(cookie).toMatch(/; HttpOnly/)
    } finally {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('attack: a POST without the session CSRF token is refused (403, audited ERR_CSRF) and signs nobody in', async () => {
    const res = await fetch(`${h.issuer}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: PASSWORD }),
      redirect: 'manual',
    })
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie().some((c) => c.includes('openxaa_console=') && c.includes('Max-Age=28800'))).toBe(
      false,
    )
    const event = (await h.store.audit.query({ action: 'console.csrf', limit: 1 })).events[0]
    expect(event).toMatchObject({ decision: 'deny', reason: 'ERR_CSRF' })
  })

  test('attack: a CSRF token from before sign-in is worthless after it (new session id)', async () => {
    const browser = new Browser()
    const page = await (await browser.request(`${h.issuer}/console/sign-in`)).text()
    const before = hiddenField(page, 'csrf') ?? ''
    await browser.request(`${h.issuer}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: before, username: 'alice', password: PASSWORD }),
    })
    const res = await browser.request(`${h.issuer}/console/keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: before }),
    })
    expect(res.status).toBe(403)
  })

  test('attack: a forged session cookie (unsigned, or another user) is not a session', async () => {
    const browser = await signedIn(h, 'carol')
    const value = browser.cookie('openxaa_console') ?? ''
    const [payload = ''] = value.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claims, uid: h.users.alice })).toString('base64url')
    for (const cookie of [forged, `${forged}.${value.split('.')[1]}`]) {
      const res = await fetch(`${h.issuer}/console/users`, {
        headers: { cookie: `openxaa_console=${cookie}` },
        redirect: 'manual',
      })
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toMatch(/^\/console\/sign-in/)
    }
  })

  test('a wrong password gets one generic message and an audited refusal', async () => {
    const browser = new Browser()
    const page = await (await browser.request(`${h.issuer}/console/sign-in`)).text()
    const res = await browser.request(`${h.issuer}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: hiddenField(page, 'csrf') ?? '', username: 'alice', password: 'wrong' }),
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Wrong username or password.')
    const event = (await h.store.audit.query({ action: 'console.sign_in', decision: 'deny', limit: 1 })).events[0]
    expect(event).toMatchObject({ reason: 'ERR_SIGN_IN_FAILED', userId: h.users.alice })
  })

  test('a non-administrator gets 403 on administration pages and their own page; next= never leaves the console', async () => {
    const browser = await signedIn(h, 'carol')
    expect((await browser.request(`${h.issuer}/console/users`)).status).toBe(403)
    expect((await browser.request(`${h.issuer}/console`)).headers.get('location')).toBe('/console/me')
    expect((await browser.request(`${h.issuer}/console/me`)).status).toBe(200)
    const page = await (await new Browser().request(`${h.issuer}/console/sign-in?next=//evil.example/x`)).text()
    expect(page).not.toContain('evil.example')
  })

  test('disabling a user ends their console session', async () => {
    const browser = await signedIn(h, 'bob')
    expect((await browser.request(`${h.issuer}/console/me`)).status).toBe(200)
    await operations.setUserStatus(h.admin, h.users.bob, 'disabled')
    const res = await browser.request(`${h.issuer}/console/me`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^\/console\/sign-in/)
    await operations.setUserStatus(h.admin, h.users.bob, 'active')
  })

  test('the style sheet and script are hashed files with a long cache; other names are 404', async () => {
    const browser = await signedIn(h, 'alice')
    const page = await (await browser.request(`${h.issuer}/console/me`)).text()
    const css = /href="(\/console\/assets\/console\.[A-Za-z0-9]+\.css)"/.exec(page)?.[1]
    const js = /src="(\/console\/assets\/console\.[A-Za-z0-9]+\.js)"/.exec(page)?.[1]
    for (const [path, type] of [
      [css, 'text/css'],
      [js, 'text/javascript'],
    ] as const) {
      const res = await fetch(`${h.issuer}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain(type)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    }
    expect((await browser.request(`${h.issuer}/console/assets/console.0000.css`)).status).toBe(404)
  })

  test('sign-out removes the session', async () => {
    const browser = await signedIn(h, 'alice')
    const page = await (await browser.request(`${h.issuer}/console/me`)).text()
    const res = await browser.request(`${h.issuer}/console/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: hiddenField(page, 'csrf') ?? '' }),
    })
    expect(res.status).toBe(303)
    expect((await browser.request(`${h.issuer}/console/me`)).status).toBe(303)
  })
})

/** The rows of the page's first table body, tags removed and spaces collapsed. */
function rows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? ''
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  )
}

describe('IdP console overview and audit log, read from the audit log', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())

  test('each graph edge and table row says how many distinct users got an ID-JAG through it, and when last', async () => {
    // alice twice and carol once through agent -> Chat; nobody through agent -> Files.
    const ask = async (username: string) => {
      const tokens = await signIn(h, h.clients.agent, { username })
      const res = await exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
      expect(res.status).toBe(200)
    }
    await ask('alice')
    await ask('carol')
    await ask('alice')
    const last = (await h.store.audit.query({ action: 'id_jag.issue', decision: 'allow', limit: 1 })).events[0]!

    const page = await (await (await signedIn(h, 'alice')).request(`${h.issuer}/console`)).text()
    const labels = [...page.matchAll(/<a class="edge[^"]*" href="[^"]+" aria-label="([^"]+)"/g)].map((m) => m[1])
    expect(labels).toHaveLength(2)
    expect(labels).toContain('Client agent to Chat (mcp.chat.example): 2 users, last just now')
    expect(labels).toContain('Client agent to Files (mcp.files.example): 0 users, never used')
    // The table below the graph: the same facts, with the exact time of the newest issuance.
    const table = page.slice(page.indexOf('Managed connections (the graph as a table)'))
    const chat = rows(table).find((r) => r.includes(CHAT_MCP))
    const files = rows(table).find((r) => r.includes(FILES_MCP))
    expect(chat).toMatch(/Enabled 2 just now/)
    expect(files).toMatch(/Enabled 0 never$/)
    expect(table).toContain(`datetime="${new Date(last.at).toISOString()}"`)
  })

  test('a signing key older than 90 days needs attention until it is rotated', async () => {
    const kid = (await h.store.keys.current('idp')).kid
    const before = await (await (await signedIn(h, 'alice')).request(`${h.issuer}/console`)).text()
    expect(before).not.toContain('Signing key due for rotation')
    h.clock.advance(91 * 86_400)
    try {
      const browser = await signedIn(h, 'alice')
      const due = await (await browser.request(`${h.issuer}/console`)).text()
      const attention = due.slice(due.indexOf('id="attention-title"'), due.indexOf('id="graph-heading"'))
      expect(attention).toContain('Signing key due for rotation.')
      expect(attention).toContain(`<code>${kid}</code> has signed for 91 days (rotate at least every 90)`)
      expect(attention).toContain('href="/console/keys"')
      // Rotate now, from the keys page's form: the attention item is gone.
      const keys = await (await browser.request(`${h.issuer}/console/keys`)).text()
      const rotated = await browser.request(`${h.issuer}/console/keys/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: hiddenField(keys, 'csrf') ?? '' }),
      })
      expect(rotated.status).toBe(303)
      // The new key is published and signs 60 s later (prepublication); the rotation is under way, nothing to do.
      const [next] = await h.store.keys.list('idp')
      expect(next).toMatchObject({ status: 'next' })
      expect((await h.store.keys.current('idp')).kid).toBe(kid)
      const after = await (await browser.request(`${h.issuer}/console`)).text()
      expect(after).not.toContain('Signing key due for rotation')
      h.clock.advance(61)
      expect((await h.store.keys.current('idp')).kid).toBe(next!.kid)
      expect(await (await browser.request(`${h.issuer}/console`)).text()).not.toContain('Signing key due for rotation')
    } finally {
      h.clock.advance(-91 * 86_400 - 61)
    }
  })

  test('the audit page: 50 events a page, newest first, the filters kept from page to page, no event twice', async () => {
    const total = 120
    for (let i = 0; i < total; i++) {
      await h.store.audit.append({
        actor: { type: 'cli', id: 'test' },
        action: 'admin.paging',
        decision: 'deny',
        reason: 'ERR_BLOCKED',
        detail: `note-${String(i).padStart(4, '0')}`,
      })
    }
    const browser = await signedIn(h, 'alice')
    const seen: string[] = []
    let url: string | undefined = `${h.issuer}/console/audit?action=admin.paging&decision=deny`
    const sizes: number[] = []
    while (url !== undefined) {
      const page = await (await browser.request(url)).text()
      const notes = rows(page).map((r) => /note-\d{4}/.exec(r)?.[0])
      expect(notes.every((n) => n !== undefined)).toBe(true)
      sizes.push(notes.length)
      seen.push(...(notes as string[]))
      const older = /<a href="([^"]+)">Older events →<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&')
      if (older !== undefined) {
        const next = new URL(older, h.issuer)
        expect(next.searchParams.get('action')).toBe('admin.paging')
        expect(next.searchParams.get('decision')).toBe('deny')
        expect(next.searchParams.get('cursor')).toBeTruthy()
        expect(page).toContain(sizes.length === 1 ? 'Newest events' : 'Older events')
      }
      url = older === undefined ? undefined : new URL(older, h.issuer).href
    }
    expect(sizes).toEqual([50, 50, 20])
    const expected = Array.from({ length: total }, (_, i) => `note-${String(total - 1 - i).padStart(4, '0')}`)
    expect(seen).toEqual(expected)
  })

  test('the exports stream every page of the selection (more events than one read of 500)', async () => {
    const total = 620
    for (let i = 0; i < total; i++) {
      await h.store.audit.append({
        actor: { type: 'cli', id: 'test' },
        action: 'admin.export',
        decision: 'info',
        detail: `row ${i}`,
      })
    }
    const browser = await signedIn(h, 'alice')
    const jsonl = await (await browser.request(`${h.issuer}/console/audit/export.jsonl?action=admin.export`)).text()
    const events = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { detail: string; action: string })
    expect(events).toHaveLength(total)
    expect(new Set(events.map((e) => e.detail)).size).toBe(total)
    expect(events[0]!.detail).toBe(`row ${total - 1}`)
    const csv = await (await browser.request(`${h.issuer}/console/audit/export.csv?action=admin.export`)).text()
    expect(csv.trim().split('\r\n')).toHaveLength(total + 1)
    // Who took the copy is itself recorded.
    const taken = (await h.store.audit.query({ action: 'console.audit.export', limit: 2 })).events
    expect(taken.map((e) => (e.data as { format: string }).format).sort()).toEqual(['csv', 'jsonl'])
    expect(taken[0]).toMatchObject({ actor: { type: 'user', id: h.users.alice } })
  })
})

describe('CSV cells for the audit export', () => {
  const cells = [
    { name: 'plain text stays', value: 'agent', cell: 'agent' },
    { name: 'a comma is quoted', value: 'a,b', cell: '"a,b"' },
    { name: 'quotes are doubled', value: 'say "hi"', cell: '"say ""hi"""' },
    { name: 'a newline is quoted', value: 'a\nb', cell: '"a\nb"' },
    { name: 'formula = is defused', value: '=1+1', cell: "'=1+1" },
    { name: 'formula + is defused', value: '+1', cell: "'+1" },
    { name: 'formula - is defused', value: '-1', cell: "'-1" },
    { name: 'formula @ is defused', value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { name: 'a leading tab is defused', value: '\t=1', cell: "'\t=1" },
    { name: 'defused and quoted', value: '=HYPERLINK("x")', cell: `"'=HYPERLINK(""x"")"` },
    { name: 'numbers', value: 42, cell: '42' },
    { name: 'absent', value: undefined, cell: '' },
  ]
  for (const c of cells) test(c.name, () => expect(csvCell(c.value)).toBe(c.cell))
})
