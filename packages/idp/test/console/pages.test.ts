// The rest of the IdP console in real Chromium: clients (the secret shown once, never again), applications, users
// (disable with its effect), groups, blocks until a date, signing keys (rotate now), audit export. Each revocation is
// checked where it matters: the next request at the token endpoint. Screenshots: docs/screenshots/idp-*.png.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeWithChromium, launchChromium, newPage, screenshot } from '../../../../test/support/chromium.js'
import { verifySecret } from '../../src/index.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type Harness, PASSWORD, signIn, startHarness } from '../support/harness.js'

describeWithChromium('IdP console pages in Chromium', () => {
  let h: Harness
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    h = await startHarness()
    browser = await launchChromium()
    page = await newPage(browser)
    await page.goto(`${h.issuer}/console/sign-in`)
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()])
  })
  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  const url = (path: string) => `${h.issuer}/console${path}`
  const flash = () => page.locator('#flash').textContent()

  test('register a client: its secret is shown once, on that answer only, and only its hash is kept', async () => {
    await page.goto(url('/clients'))
    await screenshot(page, 'idp-clients')
    await page.getByRole('link', { name: 'Register a client' }).click()
    await screenshot(page, 'idp-client-new')
    await page.getByLabel('Client ID').fill('research-agent')
    await page.getByLabel('Display name').fill('Research agent')
    await page.getByLabel('Redirect URIs (one per line)').fill('http://127.0.0.1:9/callback')
    await page.getByRole('button', { name: 'Register client' }).click()
    const secret = (await page.locator('#client-secret').textContent())?.trim() ?? ''
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(verifySecret(secret, (await h.store.idp.clients.secretHash('research-agent')) ?? '')).toBe(true)
    await screenshot(page, 'idp-client-secret')
    await page.getByRole('link', { name: /I have stored it/ }).click()
    expect(await page.content()).not.toContain(secret)
    await page.goto(url('/clients'))
    expect(await page.content()).not.toContain(secret)
  })

  test('disable a client in one click: its next token exchange is refused (invalid_client)', async () => {
    const tokens = await signIn(h, h.clients.agent, { username: 'alice' })
    const ask = () =>
      exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
    expect((await ask()).status).toBe(200)
    await page.goto(url('/clients/agent'))
    await screenshot(page, 'idp-client')
    await page.getByRole('button', { name: 'Disable client' }).click()
    expect(await flash()).toContain('2 enabled managed connections stop issuing')
    expect(await ask()).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    await page.getByRole('button', { name: 'Enable client' }).click()
    expect((await ask()).status).toBe(200)
  })

  test('applications: resources with their scopes and the client id at each application', async () => {
    await page.goto(url('/applications'))
    await screenshot(page, 'idp-applications')
    await page.getByRole('link', { name: 'Files' }).click()
    await page.getByLabel('Resource URI (the MCP server)').fill('https://mcp-search.files.example')
    await page.getByLabel('Scopes it offers').fill('search.read search.write')
    await page.getByRole('button', { name: 'Save resource' }).click()
    expect(await flash()).toContain('saved with scopes search.read search.write')
    await page.getByLabel('AI client').selectOption('agent')
    await page.getByLabel('Its client_id there').fill('files-7781')
    await page.getByRole('button', { name: 'Set client id' }).click()
    expect(await h.store.idp.applications.clientIdAt(h.apps.files, 'agent')).toBe('files-7781')
    await screenshot(page, 'idp-application')
  })

  test('disable a user: the effect is shown (sessions and tokens revoked) and no ID-JAG is issued for them', async () => {
    const tokens = await signIn(h, h.clients.agent, { username: 'carol' })
    await page.goto(url('/users'))
    await screenshot(page, 'idp-users')
    await page.getByRole('link', { name: 'carol' }).click()
    await screenshot(page, 'idp-user')
    await page.getByRole('button', { name: 'Disable user' }).click()
    expect(await flash()).toMatch(/carol disabled\.\s*[1-9]\d* sessions?, grants? and tokens? revoked/)
    const res = await exchange(
      h,
      { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
      { client: h.clients.agent },
    )
    expect(res).toMatchObject({ status: 400 })
    expect(['access_denied', 'invalid_grant']).toContain(res.body.error)
    await page.getByRole('button', { name: 'Enable user' }).click()
    expect(await flash()).toContain('carol enabled')
  })

  test('block a user until a date: refused with ERR_BLOCKED until lifted', async () => {
    const tokens = await signIn(h, h.clients.agent, { username: 'alice' })
    const ask = () =>
      exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: tokens.id_token },
        { client: h.clients.agent },
      )
    await page.goto(url(`/users/${h.users.alice}`))
    const tomorrow = new Date(h.clock.now + 86_400_000).toISOString().slice(0, 10)
    await page.getByLabel('Block until (UTC date, empty: until lifted)').fill(tomorrow)
    await page.getByLabel('Reason').fill('incident 4711')
    await page.getByRole('button', { name: 'Block this user' }).click()
    expect(await flash()).toContain('Blocked until')
    expect(await ask()).toMatchObject({ status: 400, body: { error: 'access_denied' } })
    await page.goto(url('/blocks'))
    await screenshot(page, 'idp-blocks')
    await page.getByRole('button', { name: /Lift the block on user alice/ }).click()
    expect((await ask()).status).toBe(200)
  })

  test('groups: members added and removed', async () => {
    await page.goto(url('/groups'))
    await screenshot(page, 'idp-groups')
    await page.getByRole('link', { name: 'sales' }).click()
    await screenshot(page, 'idp-group')
    await page.getByLabel('Add a member').selectOption({ label: 'carol' })
    await page.getByRole('button', { name: 'Add member' }).click()
    expect(await h.store.idp.groups.members(h.groups.sales)).toContain(h.users.carol)
    await page.getByRole('button', { name: 'Remove carol' }).click()
    expect(await h.store.idp.groups.members(h.groups.sales)).not.toContain(h.users.carol)
  })

  test('signing keys: rotate now publishes the next key ahead; the emergency rotation switches and drops at once', async () => {
    await page.goto(url('/keys'))
    const before = (await h.store.keys.current('idp')).kid
    await page.getByRole('button', { name: 'Rotate now' }).click()
    expect(await flash()).toMatch(/Rotated: key \S+ is published and signs from/)
    // Published at once, but the current key signs until the next one's activation time.
    expect((await h.store.keys.current('idp')).kid).toBe(before)
    const next = (await h.store.keys.list('idp')).find((k) => k.status === 'next')!
    expect(next.activateAt - h.clock.now).toBeGreaterThan(59_000)
    const row = page.locator('tr', { hasText: next.kid })
    expect(await row.textContent()).toContain('next: published')
    expect(await page.getByRole('region', { name: 'Rotation under way' }).textContent()).toContain(next.kid)
    expect(await page.locator('tr', { hasText: before }).textContent()).toContain('current: signs')
    await screenshot(page, 'idp-keys')

    // The emergency rotation (its confirmation dialog accepted): the new key signs now and the earlier ones leave.
    await page.getByRole('button', { name: 'Emergency rotation' }).click()
    expect(await flash()).toMatch(/Emergency rotation: key \S+ signs from now on/)
    const after = (await h.store.keys.current('idp')).kid
    expect([before, next.kid]).not.toContain(after)
    expect((await h.store.keys.publicJwks('idp')).keys.map((k) => k.kid)).toEqual([after])
    const text = await page.locator('table').textContent()
    expect(text).toContain(after)
    expect(text).not.toContain(before)
  })

  test('audit export as CSV (formula-safe) and JSON lines, with the page filters', async () => {
    await h.store.audit.append({
      actor: { type: 'cli', id: 'test' },
      action: 'admin.note',
      decision: 'info',
      detail: '=HYPERLINK("http://evil.example","x"), "quoted"',
    })
    const csv = await page.request.get(url('/audit/export.csv?action=admin.note'))
    expect(csv.headers()['content-type']).toContain('text/csv')
    expect(csv.headers()['content-disposition']).toMatch(/attachment; filename="openxaa-audit-\d{4}-\d{2}-\d{2}\.csv"/)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toMatch(/^id,at,decision,action,actor_type,actor_id,/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x""), ""quoted"""`)
    const jsonl = await page.request.get(url('/audit/export.jsonl?decision=change'))
    const events = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string })
    expect(events.length).toBeGreaterThan(3)
    expect(events.every((e) => e.decision === 'change')).toBe(true)
    await page.goto(url('/audit?decision=change'))
    await screenshot(page, 'idp-audit-changes')
  })

  test('edit a managed connection: widening asks for consent again, narrowing does not; delete stops issuance', async () => {
    const chat = (await h.store.idp.connections.find('agent', h.apps.chat, CHAT_MCP))!
    const bob = await signIn(h, h.clients.agent, { username: 'bob' })
    const askAsBob = () =>
      exchange(
        h,
        { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: bob.id_token },
        { client: h.clients.agent },
      )
    expect(await askAsBob()).toMatchObject({ status: 400, body: { error: 'access_denied' } })

    await page.goto(url('/connections'))
    await screenshot(page, 'idp-connections')
    await page.goto(url(`/connections/${chat.id}`))
    await page.getByRole('checkbox', { name: 'sales' }).check()
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(
      page.getByRole('heading', { name: 'Grant consent on behalf of the organization' }).isVisible(),
    ).resolves.toBe(true)
    await expect(page.locator('.consent dl').textContent()).resolves.toMatch(/Newly allowed\s*group sales/)
    // Not yet consented: nothing changed, bob (sales) is still refused.
    expect((await h.store.idp.connections.get(chat.id))?.groups).toEqual([h.groups.engineering])
    await page.getByRole('checkbox', { name: /grant this consent/ }).check()
    await page.getByRole('button', { name: 'Grant consent and save' }).click()
    expect(await flash()).toContain('Consent recorded: granted by alice on behalf of the organization.')
    expect((await h.store.idp.connections.get(chat.id))?.groups.sort()).toEqual(
      [h.groups.engineering, h.groups.sales].sort(),
    )
    expect((await askAsBob()).status).toBe(200)

    // Narrowing (a scope removed) saves at once, without a consent step.
    await page.getByRole('checkbox', { name: 'chat.history' }).uncheck()
    await page.getByRole('button', { name: 'Save changes' }).click()
    expect(await flash()).toContain('Connection saved.')
    expect((await h.store.idp.connections.get(chat.id))?.scopes).toEqual(['chat.read'])

    await page.getByRole('link', { name: 'Delete…' }).click()
    await expect(page.getByRole('heading', { name: 'Delete this connection?' }).isVisible()).resolves.toBe(true)
    await screenshot(page, 'idp-connection-delete')
    await page.getByRole('button', { name: 'Delete connection' }).click()
    expect(await flash()).toContain('Connection deleted: no further ID-JAGs through it.')
    expect(new URL(page.url()).pathname).toBe('/console/connections')
    expect(await h.store.idp.connections.get(chat.id)).toBeUndefined()
    expect(await askAsBob()).toMatchObject({ status: 400, body: { error: 'access_denied' } })
    const deleted = (await h.store.audit.query({ action: 'admin.connection.delete' })).events[0]
    expect(deleted).toMatchObject({ actor: { type: 'user', id: h.users.alice }, decision: 'change' })
  })
})
