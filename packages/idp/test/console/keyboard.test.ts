// The IdP console by keyboard alone, in real Chromium: an administrator signs in, opens "Managed connections" from
// the navigation, creates a connection for a group through the consent step and disables it; an employee revokes
// their own connection. Only Tab, Shift+Tab, arrows, Space, Enter and typing move through the pages; after every Tab
// `tabTo` checks that focus is visible and that a form control is labelled. Every page the browser tests visit is
// also audited: labels, tabindex, text alternatives, one h1, one main, no horizontal overflow at 1280 and 1024 wide.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeWithChromium, launchChromium, newPage } from '../../../../test/support/chromium.js'
import {
  auditPage,
  chooseOption,
  expectTabOrder,
  focused,
  pressAndWait,
  tabTo,
} from '../../../../test/support/keyboard.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, PASSWORD, signIn, startHarness } from '../support/harness.js'

describeWithChromium('IdP console by keyboard', () => {
  let h: Harness
  let browser: Browser
  let admin: Page
  let employee: Page
  let connectionId = ''
  /** Each audited page: its path and its defects (expected empty). */
  const audited: { path: string; problems: string[] }[] = []

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
  const path = (page: Page) => {
    const u = new URL(page.url())
    return `${u.pathname}${u.search}`
  }
  async function audit(page: Page) {
    const problems = await auditPage(page)
    audited.push({ path: path(page), problems })
    expect(problems, path(page)).toEqual([])
  }

  /** Signs in from the sign-in page with Tab and typing only. */
  async function signInByKeyboard(page: Page, username: string) {
    await page.goto(url('/sign-in'))
    await audit(page)
    await expectTabOrder(page, ['Skip to main content', 'OpenXAA admin console', 'Username'])
    await page.keyboard.type(username)
    await expectTabOrder(page, ['Password'])
    await page.keyboard.type(PASSWORD)
    await expectTabOrder(page, ['Sign in'])
    await pressAndWait(page)
  }

  test('an administrator signs in and opens "Managed connections" from the navigation, by keyboard', async () => {
    await signInByKeyboard(admin, 'alice')
    expect(path(admin)).toBe('/console')
    await audit(admin)
    // The skip link comes first and moves focus to the main region.
    await tabTo(admin, 'Skip to main content')
    await admin.keyboard.press('Enter')
    expect((await focused(admin))?.id).toBe('main')
    // Back to the top: the navigation follows the brand and sign-out.
    await admin.goto(url(''))
    await expectTabOrder(admin, [
      'Skip to main content',
      'OpenXAA admin console',
      'Sign out',
      'Overview',
      'Managed connections',
    ])
    await pressAndWait(admin)
    expect(path(admin)).toBe('/console/connections')
    await audit(admin)
    // Shift+Tab walks back out of the page into the navigation.
    await tabTo(admin, 'New managed connection')
    const back = await tabTo(admin, 'Managed connections', { key: 'Shift+Tab' })
    expect(back.tag).toBe('a')
  })

  test('create a managed connection for a group through the consent step, by keyboard', async () => {
    await tabTo(admin, 'New managed connection')
    await pressAndWait(admin)
    expect(path(admin)).toBe('/console/connections/new')
    await audit(admin)
    expect((await tabTo(admin, '#clientId')).name).toBe('AI client')
    await chooseOption(admin, /\(other-agent\)$/)
    expect((await tabTo(admin, '#target')).name).toBe('Resource')
    await chooseOption(admin, /^Chat: /)
    await tabTo(admin, 'Next: groups and scopes')
    await pressAndWait(admin)
    expect(path(admin)).toContain('/console/connections/new?clientId=other-agent')
    await audit(admin)

    // Groups, then scopes, then the sign-in age, then the button: the order they are read in.
    await tabTo(admin, 'engineering')
    await expectTabOrder(admin, ['sales'])
    await admin.keyboard.press('Space')
    await expectTabOrder(admin, ['chat.read'])
    await admin.keyboard.press('Space')
    await expectTabOrder(admin, ['chat.history', 'chat.write', '#maxAuthAge', 'Next: review and consent'])
    await pressAndWait(admin)
    await expect(admin.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Grant consent on behalf of the organization',
    )
    await audit(admin)

    // Enter on the button without the explicit checkbox: the browser refuses to submit, nothing is created.
    await tabTo(admin, /^Grant consent and create/)
    await admin.keyboard.press('Enter')
    expect(await h.store.idp.connections.find('other-agent', h.apps.chat, CHAT_MCP)).toBeUndefined()
    const box = await tabTo(admin, /grant this consent on behalf of the organization/, { key: 'Shift+Tab' })
    expect(box).toMatchObject({ tag: 'input', type: 'checkbox' })
    await admin.keyboard.press('Space')
    await expectTabOrder(admin, ['Grant consent and create the connection'])
    await pressAndWait(admin)
    await expect(admin.locator('#flash').textContent()).resolves.toContain('Connection created')
    const created = await h.store.idp.connections.find('other-agent', h.apps.chat, CHAT_MCP)
    expect(created).toMatchObject({ groups: [h.groups.sales], scopes: ['chat.read'], consentGrantedBy: h.users.alice })
    connectionId = created!.id
  })

  test('disable the new connection from its page, by keyboard', async () => {
    await admin.goto(url(`/connections/${connectionId}`))
    await audit(admin)
    await tabTo(admin, 'Disable connection')
    await pressAndWait(admin)
    await expect(admin.locator('#flash').textContent()).resolves.toContain('Connection disabled')
    expect((await h.store.idp.connections.get(connectionId))?.enabled).toBe(false)
    // The same button now enables it again, and focus is still drawn on it.
    expect((await tabTo(admin, 'Enable connection')).visible).toBe(true)
    // A refused exchange, so that the audit page below shows a refusal row with its long reason code.
    const bob = await signIn(h, h.clients.other, { username: 'bob' })
    const refused = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: bob.id_token },
      { client: h.clients.other },
    )
    expect(refused).toMatchObject({ status: 400, body: { error: 'access_denied' } })
  })

  test('an employee revokes their own connection on "My AI connections", by keyboard', async () => {
    await signInByKeyboard(employee, 'carol')
    expect(path(employee)).toBe('/console/me')
    await audit(employee)
    await tabTo(employee, 'Revoke my access: Client agent → Chat')
    await pressAndWait(employee)
    await expect(employee.locator('#flash').textContent()).resolves.toContain('can no longer reach Chat on your behalf')
    const chatRow = employee.getByRole('table', { name: 'My AI connections' }).locator('tbody tr', { hasText: 'Chat' })
    await expect(chatRow.textContent()).resolves.toContain('revoked by you')
    await tabTo(employee, 'Restore Client agent → Chat')
    // After a refused exchange the activity table has an ERR_BLOCKED row: the page still fits.
    const carol = await signIn(h, h.clients.agent, { username: 'carol' })
    const refused = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: carol.id_token },
      { client: h.clients.agent },
    )
    expect(refused.status).toBe(400)
    await employee.reload()
    await audit(employee)
  })

  test('every page the browser tests visit passes the page audit at 1280x800 and 1024x768', async () => {
    for (const p of [
      '/audit',
      '/audit?decision=deny&clientId=other-agent',
      '/connections',
      `/connections/${connectionId}`,
      '',
    ]) {
      await admin.goto(url(p))
      await audit(admin)
    }
    const forbidden = await employee.goto(url('/users'))
    expect(forbidden?.status()).toBe(403)
    await audit(employee)
    // The keyboard tests above audited the pages they went through, the consent step among them.
    expect(audited.map((a) => a.path.replace(/\?.*/, '?…').replace(connectionId, ':id'))).toEqual(
      expect.arrayContaining([
        '/console/sign-in',
        '/console',
        '/console/connections',
        '/console/connections/new',
        '/console/connections/new?…',
        '/console/connections/:id',
        '/console/me',
        '/console/audit',
        '/console/users',
      ]),
    )
  })
})
