// The IdP console in real Chromium (Debian's /usr/bin/chromium through playwright-core): an administrator signs in,
// creates a managed connection for a group (with the consent step), a client of a user in that group gets an ID-JAG
// over HTTP, the administrator disables the connection, the next exchange is refused and the refusal is on the audit
// page; an employee revokes their own connection and the next exchange is refused; CSRF, 403, CSP. Each page is
// screenshotted (docs/screenshots/idp-*.png with OPENXAA_UPDATE_SCREENSHOTS=1).
import type { Browser, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeWithChromium, launchChromium, newPage, screenshot } from '../../../../test/support/chromium.js'
import { CONSOLE_CSP } from '../../src/console/index.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, PASSWORD, signIn, startHarness } from '../support/harness.js'

describeWithChromium('IdP console in Chromium', () => {
  let h: Harness
  let browser: Browser
  let admin: Page
  let employee: Page
  let connectionId = ''
  let bobIdToken = ''

  beforeAll(async () => {
    h = await startHarness()
    browser = await launchChromium()
    admin = await newPage(browser)
    employee = await newPage(browser)
  })
  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  const url = (path: string) => `${h.issuer}/console${path}`

  async function signInAs(page: Page, username: string): Promise<Response | null> {
    await page.goto(url('/sign-in'))
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(PASSWORD)
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ])
    return response
  }

  /** Every console page: the strict CSP, no inline style or script. */
  async function expectStrictPage(page: Page, response: Response | null) {
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP)
    expect(response?.headers()['x-frame-options']).toBe('DENY')
    const inline = {
      styled: await page.locator('[style]').count(),
      styles: await page.locator('style').count(),
      scripts: await page.locator('script:not([src])').count(),
    }
    expect(inline).toEqual({ styled: 0, styles: 0, scripts: 0 })
  }

  test('sign in as an administrator: the sign-in page, then the overview; the skip link comes first', async () => {
    const first = await admin.goto(url(''))
    expect(admin.url()).toContain('/console/sign-in')
    await expectStrictPage(admin, first)
    await screenshot(admin, 'idp-sign-in')
    const landed = await signInAs(admin, 'alice')
    expect(new URL(admin.url()).pathname).toBe('/console')
    await expectStrictPage(admin, landed)
    await expect(admin.getByRole('heading', { name: 'Overview' }).isVisible()).resolves.toBe(true)
    await admin.keyboard.press('Tab')
    expect((await admin.locator(':focus').textContent())?.trim()).toBe('Skip to main content')
  })

  test('create a managed connection for a group, through the explicit consent step', async () => {
    await admin.goto(url('/connections/new'))
    await admin.getByLabel('AI client').selectOption('other-agent')
    await admin.getByLabel('Resource').selectOption(`${h.apps.chat} ${CHAT_MCP}`)
    await admin.getByRole('button', { name: 'Next: groups and scopes' }).click()
    await admin.getByRole('checkbox', { name: 'sales' }).check()
    await admin.getByRole('checkbox', { name: 'chat.read' }).check()
    await screenshot(admin, 'idp-connection-new')
    await admin.getByRole('button', { name: 'Next: review and consent' }).click()
    await expect(
      admin.getByRole('heading', { name: 'Grant consent on behalf of the organization' }).isVisible(),
    ).resolves.toBe(true)
    await screenshot(admin, 'idp-consent')
    // Without the explicit checkbox the browser does not submit; nothing exists yet.
    expect(await h.store.idp.connections.find('other-agent', h.apps.chat, CHAT_MCP)).toBeUndefined()
    await admin.getByRole('checkbox', { name: /grant this consent/ }).check()
    await admin.getByRole('button', { name: /Grant consent and create/ }).click()
    await expect(admin.locator('#flash').textContent()).resolves.toContain('Connection created')
    const created = await h.store.idp.connections.find('other-agent', h.apps.chat, CHAT_MCP)
    expect(created).toMatchObject({ groups: [h.groups.sales], scopes: ['chat.read'], consentGrantedBy: h.users.alice })
    connectionId = created!.id
    const audit = await h.store.audit.query({ action: 'admin.connection.create', clientId: 'other-agent' })
    expect(audit.events[0]).toMatchObject({ actor: { type: 'user', id: h.users.alice }, decision: 'change' })
  })

  test('a client of a user in that group then obtains an ID-JAG (real token exchange over HTTP)', async () => {
    const tokens = await signIn(h, h.clients.other, { username: 'bob' })
    bobIdToken = tokens.id_token
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: bobIdToken },
      { client: h.clients.other },
    )
    expect(res.status).toBe(200)
    expect(res.body.access_token).toBeTypeOf('string')
    await admin.goto(url(`/connections/${connectionId}`))
    await expect(admin.locator('#use-title + dl').textContent()).resolves.toMatch(/Distinct users\s*1/)
    await screenshot(admin, 'idp-connection')
  })

  test('disable the connection in the console: the next exchange is refused and the refusal is on the audit page', async () => {
    await admin.goto(url(`/connections/${connectionId}`))
    await admin.getByRole('button', { name: 'Disable connection' }).click()
    const flash = await admin.locator('#flash').textContent()
    expect(flash).toContain('Connection disabled')
    expect(flash).toContain('1 user had received ID-JAGs')
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: bobIdToken },
      { client: h.clients.other },
    )
    expect(res).toMatchObject({ status: 400, body: { error: 'access_denied' } })

    await admin.goto(url('/audit'))
    await admin.getByLabel('Decision').selectOption('deny')
    await admin.getByLabel('AI client').selectOption('other-agent')
    await admin.getByRole('button', { name: 'Filter' }).click()
    const row = admin.locator('tbody tr').first()
    await expect(row.textContent()).resolves.toContain('ERR_CONNECTION_DISABLED')
    await expect(row.textContent()).resolves.toContain('bob')
    await screenshot(admin, 'idp-audit')

    await admin.goto(url(''))
    await expect(admin.locator('#attention-title + ul').textContent()).resolves.toContain(
      'Disabled connection still requested',
    )
    await expect(admin.locator('#refusals-title').locator('xpath=../..').textContent()).resolves.toContain(
      'ERR_CONNECTION_DISABLED',
    )
    await screenshot(admin, 'idp-overview')
  })

  test('an employee revokes their own connection on "My AI connections" and the next exchange is refused', async () => {
    const tokens = await signIn(h, h.clients.agent, { username: 'carol' })
    const ask = () =>
      exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
    expect((await ask()).status).toBe(200)

    await signInAs(employee, 'carol')
    expect(new URL(employee.url()).pathname).toBe('/console/me')
    const chatRow = employee.getByRole('table', { name: 'My AI connections' }).locator('tbody tr', { hasText: 'Chat' })
    await expect(chatRow.textContent()).resolves.toContain('active')
    await chatRow.getByRole('button', { name: /Revoke my access/ }).click()
    await expect(employee.locator('#flash').textContent()).resolves.toContain('can no longer reach Chat on your behalf')
    await expect(chatRow.textContent()).resolves.toContain('revoked by you')

    expect(await ask()).toMatchObject({ status: 400, body: { error: 'access_denied' } })
    const refusal = (await h.store.audit.query({ userId: h.users.carol, action: 'id_jag.issue', decision: 'deny' }))
      .events[0]
    expect(refusal).toMatchObject({ reason: 'ERR_BLOCKED', clientId: 'agent' })
    await employee.reload()
    await expect(employee.locator('#activity-title').locator('xpath=..').textContent()).resolves.toContain(
      'ERR_BLOCKED',
    )
    await screenshot(employee, 'idp-my-connections')
    // The files connection, not revoked, still works for carol.
    const files = await exchange(
      h,
      { audience: 'https://as.files.example', resource: 'https://mcp.files.example', subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    expect(files.status).toBe(200)
  })

  test('a non-administrator gets a 403 page on administration pages', async () => {
    const res = await employee.goto(url('/users'))
    expect(res?.status()).toBe(403)
    await expect(employee.getByRole('heading', { name: 'Administrators only' }).isVisible()).resolves.toBe(true)
    await expectStrictPage(employee, res)
    await screenshot(employee, 'idp-forbidden')
  })

  test('a form whose CSRF token does not belong to the session is refused and changes nothing', async () => {
    await admin.goto(url('/connections'))
    const form = admin.locator(`form[action$="/connections/${connectionId}/enable"]`)
    await form.locator('input[name=csrf]').evaluate((input) => {
      ;(input as unknown as { value: string }).value = 'forged-token'
    })
    const [response] = await Promise.all([admin.waitForNavigation(), form.getByRole('button').click()])
    expect(response?.status()).toBe(403)
    await expect(admin.getByRole('heading', { name: 'Form expired' }).isVisible()).resolves.toBe(true)
    expect((await h.store.idp.connections.get(connectionId))?.enabled).toBe(false)
    const csrf = (await h.store.audit.query({ action: 'console.csrf' })).events[0]
    expect(csrf).toMatchObject({ decision: 'deny', reason: 'ERR_CSRF', userId: h.users.alice })
  })
})
