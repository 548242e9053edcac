import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import { Browser, formAction, hiddenField } from './support/browser.js'
import { type Harness, PASSWORD, pkce, REDIRECT_URI, startHarness } from './support/harness.js'

describe('the sign-in and consent pages', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    await operations.createClient(h.admin, {
      clientId: 'third-party',
      name: 'Third <party> app',
      redirectUris: [REDIRECT_URI],
      firstParty: false,
    })
  })
  afterAll(() => h?.close())

  async function openSignIn(clientId = 'agent', browser = new Browser()) {
    const url = `${h.issuer}/auth?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      state: randomBytes(4).toString('hex'),
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    })}`
    const step = await browser.follow(url, REDIRECT_URI)
    const page = await step.res!.text()
    return { browser, page, url: step.url, action: formAction(page, step.url), csrf: hiddenField(page, 'csrf')! }
  }

  async function lastSignIn() {
    const { events } = await h.store.audit.query({ action: 'sign_in', limit: 1 })
    return events[0]
  }

  test('the page is accessible: labelled fields, autocomplete hints, language, no external resources', async () => {
    const { page } = await openSignIn()
    expect(page).toContain('<html lang="en">')
    expect(page).toContain('<label for="username">')
    expect(page).toContain('<label for="password">')
    expect(page).toContain('autocomplete="current-password"')
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/)
  })

  test('a wrong password and an unknown username get the same generic answer; the audit knows which', async () => {
    const wrong = await openSignIn()
    const res = await wrong.browser.submit(wrong.action, { csrf: wrong.csrf, username: 'alice', password: 'nope' })
    const text = await res.res!.text()
    expect(text).toContain('Wrong username or password.')
    expect(text).toContain('role="alert"')
    expect(await lastSignIn()).toMatchObject({
      decision: 'deny',
      reason: 'ERR_SIGN_IN_FAILED',
      userId: h.users.alice,
      detail: 'wrong password',
    })
    const unknown = await openSignIn()
    const res2 = await unknown.browser.submit(unknown.action, {
      csrf: unknown.csrf,
      username: 'mallory',
      password: 'nope',
    })
    expect(await res2.res!.text()).toContain('Wrong username or password.')
    expect(await lastSignIn()).toMatchObject({
      decision: 'deny',
      reason: 'ERR_SIGN_IN_FAILED',
      detail: 'unknown username',
    })
    expect(JSON.stringify(await lastSignIn())).not.toContain('nope')
  })

  test('CSRF: a post without the token, or with a token from another browser, is refused 403', async () => {
    const mine = await openSignIn()
    const missing = await mine.browser.submit(mine.action, { username: 'alice', password: PASSWORD })
    expect(missing.res!.status).toBe(403)
    const theirs = await openSignIn()
    const attacker = new Browser()
    const forged = await attacker.submit(mine.action, { csrf: theirs.csrf, username: 'alice', password: PASSWORD })
    expect(forged.res!.status).toBeGreaterThanOrEqual(400)
    expect(await lastSignIn()).toMatchObject({ decision: 'deny', reason: 'ERR_CSRF' })
    // The interaction itself is intact: the real form still works.
    const ok = await mine.browser.submit(
      mine.action,
      { csrf: mine.csrf, username: 'alice', password: PASSWORD },
      REDIRECT_URI,
    )
    expect(new URL(ok.url).searchParams.get('code')).toBeTruthy()
    expect(await lastSignIn()).toMatchObject({ decision: 'allow', userId: h.users.alice })
  })

  test('a client that is not first-party or admin-approved shows a consent page; deny returns access_denied', async () => {
    const first = await openSignIn('third-party')
    const consent = await first.browser.submit(
      first.action,
      { csrf: first.csrf, username: 'alice', password: PASSWORD },
      REDIRECT_URI,
    )
    const page = await consent.res!.text()
    expect(page).toContain('Third &lt;party&gt; app asks for access')
    expect(page).toContain('<li>email</li>')
    const deny = formAction(page, consent.url, /<form[^>]*action="([^"]*\/abort)"/)
    const denied = await first.browser.submit(deny, { csrf: hiddenField(page, 'csrf')! }, REDIRECT_URI)
    expect(new URL(denied.url).searchParams.get('error')).toBe('access_denied')

    const second = await openSignIn('third-party', first.browser)
    // Still signed in: straight to consent; allow it this time.
    const allow = formAction(second.page, second.url)
    const allowed = await second.browser.submit(allow, { csrf: second.csrf }, REDIRECT_URI)
    expect(new URL(allowed.url).searchParams.get('code')).toBeTruthy()
  })
})
