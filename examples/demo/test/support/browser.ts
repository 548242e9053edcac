/**
 * A person at a browser, played with fetch through the IdP's real pages: the device page (code entry and
 * confirmation, each with its CSRF field) and the sign-in form (CSRF, username, password).
 */
import { Browser, formAction, hiddenField } from '../../../../packages/idp/test/support/browser.js'

/** Approves a device sign-in at `issuer`'s device page as `username`; throws with the page's status if it fails. */
export async function approveDeviceCode(issuer: string, userCode: string, username: string, password: string) {
  const browser = new Browser()
  const entry = await browser.follow(`${issuer}/device`)
  const entryPage = await entry.res!.text()
  let step = await browser.submit(formAction(entryPage, entry.url), {
    xsrf: hiddenField(entryPage, 'xsrf')!,
    user_code: userCode,
  })
  const confirm = await step.res!.text()
  if (!confirm.includes(userCode)) throw new Error(`device page did not accept the code (${step.res!.status})`)
  step = await browser.submit(formAction(confirm, step.url), {
    xsrf: hiddenField(confirm, 'xsrf')!,
    user_code: userCode,
    confirm: 'yes',
  })
  const signIn = await step.res!.text()
  step = await browser.submit(formAction(signIn, step.url), {
    csrf: hiddenField(signIn, 'csrf')!,
    username,
    password,
  })
  const done = await step.res!.text()
  if (step.res!.status !== 200 || !done.includes('Device connected')) {
    throw new Error(`device sign-in as ${username} did not complete (${step.res!.status})`)
  }
}

/**
 * Completes an authorization-code sign-in the way a browser would: follows the authorize URL to the IdP's sign-in
 * page, submits it, and follows the redirect back to the client's loopback listener.
 */
export async function signInAtBrowser(authorizeUrl: string, username: string, password: string): Promise<void> {
  const browser = new Browser()
  const redirect = new URL(authorizeUrl).searchParams.get('redirect_uri')!
  let step = await browser.follow(authorizeUrl, redirect)
  if (step.res !== undefined) {
    const page = await step.res.text()
    step = await browser.submit(
      formAction(page, step.url),
      { csrf: hiddenField(page, 'csrf') ?? '', username, password },
      redirect,
    )
  }
  if (step.res !== undefined) throw new Error(`sign-in as ${username} did not complete (${step.res.status})`)
  // The loopback listener of the client receives the code (as the browser's last redirect would deliver it).
  const res = await fetch(step.url)
  await res.text()
}
