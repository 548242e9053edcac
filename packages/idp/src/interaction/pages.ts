/** The sign-in, consent and error pages of the interaction routes. */
import { errorBox, html, page } from './layout.js'

/** The sign-in form: labelled fields, autocomplete hints, a CSRF token, a generic error when sign-in failed. */
export function signInPage(input: {
  siteName: string
  action: string
  csrf: string
  clientName: string
  username?: string
  error?: string
}): string {
  const described = input.error === undefined ? '' : 'form-error'
  return page(
    'Sign in',
    input.siteName,
    html`<h1>Sign in to continue to ${input.clientName}</h1>
${errorBox(input.error)}
<form method="post" action="${input.action}" novalidate>
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${input.username ?? ''}" aria-describedby="${described}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby="${described}">
<button type="submit">Sign in</button>
</form>`,
  )
}

/** The consent page, shown only to clients that are neither first-party nor admin-approved. */
export function consentPage(input: {
  siteName: string
  action: string
  abort: string
  csrf: string
  clientName: string
  scopes: string[]
}): string {
  return page(
    'Allow access',
    input.siteName,
    html`<h1>${input.clientName} asks for access</h1>
<p>It will receive:</p>
<ul>${input.scopes.map((s) => html`<li>${s}</li>`)}</ul>
<form method="post" action="${input.action}">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit">Allow</button>
</form>
<form method="post" action="${input.abort}">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit" class="secondary">Deny</button>
</form>`,
  )
}

/** A plain error page; `message` names only what the user did. */
export function errorPage(siteName: string, title: string, message: string): string {
  return page(title, siteName, html`<h1>${title}</h1>${errorBox(message)}`)
}
