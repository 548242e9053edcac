import { GRANT_TYPE_DEVICE_CODE, TOKEN_TYPE_REFRESH_TOKEN } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import { Browser, formAction, hiddenField } from './support/browser.js'
import { CHAT_ISSUER, exchange, type Harness, PASSWORD, REDIRECT_URI, signIn, startHarness } from './support/harness.js'

describe('device authorization grant (RFC 8628) and RP-initiated logout', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    await operations.createClient(h.admin, {
      clientId: 'terminal',
      name: 'Terminal agent',
      tokenEndpointAuthMethod: 'none',
      applicationType: 'native',
      grantTypes: [GRANT_TYPE_DEVICE_CODE, 'refresh_token'],
      firstParty: true,
    })
  })
  afterAll(() => h?.close())

  const token = (fields: Record<string, string>) =>
    fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    })

  test('a command-line client without a browser signs its user in with a user code', async () => {
    const start = await fetch(`${h.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'terminal', scope: 'openid email offline_access' }),
    })
    expect(start.status).toBe(200)
    const device = (await start.json()) as Record<string, string>
    expect(device).toMatchObject({ verification_uri: `${h.issuer}/device` })
    const poll = { grant_type: GRANT_TYPE_DEVICE_CODE, device_code: device.device_code!, client_id: 'terminal' }
    expect(await (await token(poll)).json()).toMatchObject({ error: 'authorization_pending' })

    // On another device: type the code, confirm, sign in.
    const browser = new Browser()
    const entry = await browser.follow(`${h.issuer}/device`)
    const entryPage = await entry.res!.text()
    expect(entryPage).toContain('<label for="user_code">')
    let step = await browser.submit(formAction(entryPage, entry.url), {
      xsrf: hiddenField(entryPage, 'xsrf')!,
      user_code: device.user_code!,
    })
    const confirm = await step.res!.text()
    expect(confirm).toContain(device.user_code!)
    step = await browser.submit(formAction(confirm, step.url), {
      xsrf: hiddenField(confirm, 'xsrf')!,
      user_code: device.user_code!,
      confirm: 'yes',
    })
    const signInPage = await step.res!.text()
    expect(signInPage).toContain('autocomplete="current-password"')
    step = await browser.submit(formAction(signInPage, step.url), {
      csrf: hiddenField(signInPage, 'csrf')!,
      username: 'alice',
      password: PASSWORD,
    })
    expect(step.res!.status).toBe(200)
    expect(await step.res!.text()).toContain('Device connected')

    const res = await token(poll)
    const tokens = (await res.json()) as Record<string, string>
    expect(res.status).toBe(200)
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: h.users.alice, aud: 'terminal' })
    expect(tokens.refresh_token).toBeTypeOf('string')
    // A public client is not enabled for cross-app access: no ID-JAG for it (decision 3 / D 9.1).
    const xaa = await exchange(
      h,
      { audience: CHAT_ISSUER, subject_token: tokens.refresh_token!, subject_token_type: TOKEN_TYPE_REFRESH_TOKEN },
      { headers: {}, fields: { client_id: 'terminal' } },
    )
    expect(xaa).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } })
  })

  test('a wrong user code is refused on the page, with the code entry offered again', async () => {
    const browser = new Browser()
    const entry = await browser.follow(`${h.issuer}/device`)
    const page = await entry.res!.text()
    const step = await browser.submit(formAction(page, entry.url), {
      xsrf: hiddenField(page, 'xsrf')!,
      user_code: 'BCDF-GHJK',
    })
    const text = await step.res!.text()
    expect(text).toContain('role="alert"')
    expect(text).toContain('<label for="user_code">')
  })

  test('RP-initiated logout ends the session and returns to the registered URI with state', async () => {
    const browser = new Browser()
    const tokens = await signIn(h, h.clients.agent, { browser })
    const end = new URL(`${h.issuer}/session/end`)
    end.search = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out',
      state: 'bye',
    }).toString()
    const confirm = await browser.follow(end.href)
    const page = await confirm.res!.text()
    expect(page).toContain('Sign out of')
    const done = await browser.submit(
      formAction(page, confirm.url),
      { xsrf: hiddenField(page, 'xsrf')!, logout: 'yes' },
      'http://127.0.0.1:9/',
    )
    expect(done.url).toBe('http://127.0.0.1:9/signed-out?state=bye')
    // The session is gone: the next authorization request asks for a password again.
    const again = await browser.follow(
      `${h.issuer}/auth?${new URLSearchParams({ client_id: 'agent', response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
      REDIRECT_URI,
    )
    expect(await again.res!.text()).toContain('name="password"')
    const events = await h.store.audit.query({ action: 'sign_out', userId: h.users.alice })
    expect(events.events).toHaveLength(1)
  })
})
