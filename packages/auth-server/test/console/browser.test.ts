import type { Page, Response } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeWithChromium, screenshot } from '../../../../test/support/chromium.js'
import { CONSOLE_CSP } from '../../src/console/index.js'
import { type RunningAs, readJson } from '../support/as.js'
import type { TestIdp } from '../support/idp.js'
import { type ConsoleWorld, RESOURCE, startConsoleWorld } from './world.js'

describeWithChromium('resource AS console in Chromium', () => {
  let w: ConsoleWorld
  let as: RunningAs
  let idp: TestIdp
  let page: Page
  let apiKey = ''
  let apiKeyId = ''
  let clientSecret = ''

  beforeAll(async () => {
    w = await startConsoleWorld()
    ;({ as, idp, page, apiKey, apiKeyId } = w)
  })
  afterAll(() => w?.close())

  const url = (path: string) => w.url(path)
  const flash = () => page.locator('#flash').textContent()
  const redeem = () => w.redeem(clientSecret)

  function expectStrict(response: Response | null) {
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP)
    expect(response?.headers()['x-frame-options']).toBe('DENY')
  }

  test('sign in with an admin API key, exchanged for a session cookie', async () => {
    const first = await page.goto(url(''))
    expect(page.url()).toContain('/console/sign-in')
    expectStrict(first)
    await screenshot(page, 'as-sign-in')
    await page.getByLabel('Admin API key').fill('oxas_not_a_key')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not a valid admin API key')
    await page.getByLabel('Admin API key').fill(apiKey)
    const [landed] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ])
    expectStrict(landed)
    expect(new URL(page.url()).pathname).toBe('/console')
    const cookie = (await page.context().cookies()).find((c) => c.name === 'openxaa_as_console')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console' })
    expect(cookie?.value).not.toContain(apiKey)
  })

  test('set up an organization, a resource, a client (secret once) and a verified, enabled issuer trust', async () => {
    await page.getByLabel('Id', { exact: true }).fill('acme')
    await page.getByLabel('Name').fill('Acme Corp')
    await page.getByRole('button', { name: 'Create organization' }).click()
    expect(await flash()).toContain('Organization Acme Corp created')

    await page.goto(url('/resources'))
    await page.getByLabel('Resource URI (the MCP server)').fill(RESOURCE)
    await page.getByLabel('Name').fill('Chat MCP')
    await page.getByLabel('Scopes', { exact: true }).fill('chat.read chat.history')
    await page.getByRole('button', { name: 'Add resource' }).click()
    expect(await flash()).toContain('added with scopes chat.read chat.history')
    await screenshot(page, 'as-resources')

    await page.goto(url('/clients'))
    await page.getByLabel('Client ID').fill('chat-agent')
    await page.getByLabel('Name (optional)').fill('Chat agent')
    await page.getByRole('button', { name: 'Register client' }).click()
    clientSecret = (await page.locator('#client-secret').textContent())?.trim() ?? ''
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await screenshot(page, 'as-client-secret')
    await page.getByRole('link', { name: /I have stored it/ }).click()
    expect(await page.content()).not.toContain(clientSecret)
    await screenshot(page, 'as-clients')

    await page.goto(url('/organizations/acme'))
    await page.getByLabel("Issuer (the IdP's issuer identifier)").fill(idp.issuer)
    await page.getByLabel('Tenant (optional)').fill('acme')
    await page.getByRole('checkbox', { name: /chat-agent/ }).check()
    await page.getByLabel('Link users').selectOption('jit')
    await page.getByRole('button', { name: 'Add trust (disabled)' }).click()
    expect(await flash()).toContain('added, disabled')
    expect((await redeem()).status).toBe(400)
    await page.getByRole('button', { name: `Verify the metadata of ${idp.issuer}` }).click()
    expect(await flash()).toContain(`Verified: ${idp.issuer} publishes valid metadata and 1 key`)
    await page.getByRole('button', { name: `Enable the trust in ${idp.issuer}` }).click()
    expect(await flash()).toContain('enabled')
    await screenshot(page, 'as-organization')
    const changes = (await as.store.audit.query({ action: 'admin.*', organization: 'acme' })).events.map(
      (e) => e.action,
    )
    expect(changes).toEqual(expect.arrayContaining(['admin.trust.create', 'admin.trust.verify', 'admin.trust.enable']))
    expect((await as.store.audit.query({ action: 'admin.trust.enable' })).events[0]?.actor).toEqual({
      type: 'admin',
      id: apiKeyId,
    })
  })

  test('a client redeems an ID-JAG; the trust is disabled in the console; the next one is refused and shown', async () => {
    const ok = await redeem()
    expect(ok.status).toBe(200)
    expect((await readJson(ok)).access_token).toBeTypeOf('string')
    await page.goto(url('/organizations/acme'))
    await page.getByRole('button', { name: `Disable the trust in ${idp.issuer}` }).click()
    expect(await flash()).toContain('ERR_ID_JAG_TRUST_DISABLED')
    const refused = await redeem()
    expect(refused.status).toBe(400)
    expect((await readJson(refused)).error).toBe('invalid_grant')
    await page.goto(url('/audit'))
    const rows = page.getByRole('table', { name: 'Audit events, newest first' }).locator('tbody tr')
    await expect(rows.first().textContent()).resolves.toContain('ERR_ID_JAG_TRUST_DISABLED')
    await expect(rows.nth(1).textContent()).resolves.toContain('allow')
    await screenshot(page, 'as-audit')
    await page.goto(url(''))
    await screenshot(page, 'as-organizations')
  })

  test('a form with a forged CSRF token is refused (403) and changes nothing', async () => {
    await page.goto(url('/organizations/acme'))
    const form = page.locator('form[action$="/enable"]').first()
    await form.locator('input[name=csrf]').evaluate((input) => {
      ;(input as unknown as { value: string }).value = 'forged'
    })
    const [response] = await Promise.all([page.waitForNavigation(), form.getByRole('button').click()])
    expect(response?.status()).toBe(403)
    expect((await as.store.authServer.issuerTrusts.list({ organizationId: 'acme' }))[0]?.enabled).toBe(false)
    expect((await as.store.audit.query({ action: 'console.csrf' })).events[0]).toMatchObject({ reason: 'ERR_CSRF' })
  })

  test('verifying an issuer whose metadata names another issuer fails, says why, and the trust stays unverified', async () => {
    // The same test IdP reached as localhost: its metadata says 127.0.0.1, so the issuer-equality check must refuse.
    const impostor = idp.issuer.replace('127.0.0.1', 'localhost')
    await page.goto(url('/organizations/acme'))
    await page.getByLabel("Issuer (the IdP's issuer identifier)").fill(impostor)
    await page.getByLabel('Tenant (optional)').fill('acme')
    await page.getByRole('checkbox', { name: /chat-agent/ }).check()
    await page.getByLabel('Link users').selectOption('jit')
    await page.getByRole('button', { name: 'Add trust (disabled)' }).click()
    expect(await flash()).toContain('added, disabled')
    await page.getByRole('button', { name: `Verify the metadata of ${impostor}` }).click()
    const message = await flash()
    expect(message).toContain('the issuer metadata or keys could not be verified')
    expect(message).not.toContain('Verified:')
    const trust = (await as.store.authServer.issuerTrusts.list({ organizationId: 'acme' })).find(
      (t) => t.issuer === impostor,
    )
    expect(trust).toMatchObject({ enabled: false, metadataVerifiedAt: null })
    const event = (await as.store.audit.query({ action: 'admin.trust.verify', issuer: impostor })).events[0]
    expect(event).toMatchObject({ decision: 'info', actor: { type: 'admin', id: apiKeyId } })
    expect(event?.detail).toBeTruthy()
  })

  test('revoking the API key ends the console session', async () => {
    await as.store.authServer.apiKeys.revoke(apiKeyId)
    await page.goto(url('/clients'))
    expect(page.url()).toContain('/console/sign-in')
  })
})
