import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeWithChromium } from '../../../../test/support/chromium.js'
import {
  auditPage,
  chooseOption,
  expectTabOrder,
  focused,
  pressAndWait,
  tabTo,
} from '../../../../test/support/keyboard.js'
import type { RunningAs } from '../support/as.js'
import type { TestIdp } from '../support/idp.js'
import { type ConsoleWorld, RESOURCE, startConsoleWorld } from './world.js'

describeWithChromium('resource AS console by keyboard', () => {
  let w: ConsoleWorld
  let as: RunningAs
  let idp: TestIdp
  let page: Page
  let apiKey = ''
  let clientSecret = ''
  const audited: string[] = []

  beforeAll(async () => {
    w = await startConsoleWorld()
    ;({ as, idp, page, apiKey } = w)
  })
  afterAll(() => w?.close())

  const url = (path: string) => w.url(path)
  const path = () => new URL(page.url()).pathname
  const flash = () => page.locator('#flash').textContent()
  const redeem = () => w.redeem(clientSecret)
  async function audit() {
    audited.push(path())
    expect(await auditPage(page), path()).toEqual([])
  }
  /** Tabs to a text field by id, checks its label, types. */
  async function typeInto(id: string, label: string, text: string) {
    expect((await tabTo(page, `#${id}`)).name).toBe(label)
    await page.keyboard.type(text)
  }
  /** Opens a navigation entry from the top of the page. */
  async function openFromNav(name: string) {
    await page.keyboard.press('Shift+Tab')
    await tabTo(page, 'Skip to main content')
    expect((await tabTo(page, name)).tag).toBe('a')
    await pressAndWait(page)
    await audit()
  }

  test('sign in with the admin API key, by keyboard', async () => {
    await page.goto(url(''))
    expect(path()).toBe('/console/sign-in')
    await audit()
    await expectTabOrder(page, ['Skip to main content', /^OpenXAA resource AS console/, '#apiKey'])
    await page.keyboard.type(apiKey)
    await expectTabOrder(page, ['Sign in'])
    await pressAndWait(page)
    expect(path()).toBe('/console')
    await audit()
  })

  test('create an organization, a resource and a client, by keyboard', async () => {
    await typeInto('id', 'Id', 'acme')
    await typeInto('name', 'Name', 'Acme Corp')
    await tabTo(page, 'Create organization')
    await pressAndWait(page)
    expect(await flash()).toContain('Organization Acme Corp created')

    await openFromNav('Resources and scopes')
    await typeInto('uri', 'Resource URI (the MCP server)', RESOURCE)
    await typeInto('name', 'Name', 'Chat MCP')
    await typeInto('scopes', 'Scopes', 'chat.read chat.history')
    await tabTo(page, 'Add resource')
    await pressAndWait(page)
    expect(await flash()).toContain('added with scopes chat.read chat.history')
    await audit()
    // The row's scope field is labelled by its resource, and its button says which resource it saves.
    expect((await tabTo(page, '#scopes-0')).name).toBe(`Scopes of ${RESOURCE}`)
    await tabTo(page, `Save the scopes of ${RESOURCE}`)

    await openFromNav('Clients')
    await typeInto('clientId', 'Client ID', 'chat-agent')
    await typeInto('name', 'Name (optional)', 'Chat agent')
    await tabTo(page, 'Register client')
    await pressAndWait(page)
    clientSecret = (await page.locator('#client-secret').textContent())?.trim() ?? ''
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await audit()
    await tabTo(page, /I have stored it/)
    await pressAndWait(page)
    expect(path()).toBe('/console/clients')
    await audit()
  })

  test('add an issuer trust, verify its metadata and enable it, by keyboard', async () => {
    await openFromNav('Organizations and trusts')
    await tabTo(page, 'Acme Corp')
    await pressAndWait(page)
    expect(path()).toBe('/console/organizations/acme')
    await audit()
    await typeInto('issuer', "Issuer (the IdP's issuer identifier)", idp.issuer)
    await typeInto('tenant', 'Tenant (optional)', 'acme')
    const box = await tabTo(page, /chat-agent/)
    expect(box).toMatchObject({ tag: 'input', type: 'checkbox' })
    await page.keyboard.press('Space')
    expect((await tabTo(page, '#linkingMode')).name).toBe('Link users')
    await chooseOption(page, /^jit: /)
    await tabTo(page, 'Add trust (disabled)')
    await pressAndWait(page)
    expect(await flash()).toContain('added, disabled')
    await audit()

    await tabTo(page, `Verify the metadata of ${idp.issuer}`)
    await pressAndWait(page)
    expect(await flash()).toContain(`Verified: ${idp.issuer} publishes valid metadata and 1 key`)
    await tabTo(page, `Enable the trust in ${idp.issuer}`)
    await pressAndWait(page)
    expect(await flash()).toContain('enabled')
    const [trust] = await as.store.authServer.issuerTrusts.list({ organizationId: 'acme' })
    expect(trust).toMatchObject({ issuer: idp.issuer, enabled: true, allowedClientIds: ['chat-agent'] })
    expect(trust?.linkingMode).toBe('jit')
    expect((await tabTo(page, `Disable the trust in ${idp.issuer}`)).visible).toBe(true)
    expect((await focused(page))?.tag).toBe('button')
  })

  test('a redemption, the trust disabled by keyboard, a refusal: the audit page with both passes the page audit', async () => {
    expect((await redeem()).status).toBe(200)
    // Focus is still on the trust's Disable button, where the previous test left it.
    expect((await focused(page))?.name).toBe(`Disable the trust in ${idp.issuer}`)
    await pressAndWait(page)
    expect(await flash()).toContain('ERR_ID_JAG_TRUST_DISABLED')
    expect((await redeem()).status).toBe(400)
    await openFromNav('Redemptions and refusals')
    expect(new Set(audited)).toEqual(
      new Set([
        '/console/sign-in',
        '/console',
        '/console/resources',
        '/console/clients',
        '/console/organizations/acme',
        '/console/audit',
      ]),
    )
  })
})
