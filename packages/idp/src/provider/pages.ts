/**
 * The pages oidc-provider renders itself (device flow, RP-initiated logout, errors), in the IdP's layout. oidc-provider
 * hands each source a ready form with its own CSRF token (`xsrf`); the token is carried over into accessible forms.
 */
import type { KoaContextWithOIDC } from 'oidc-provider'
import { errorBox, html, page } from '../interaction/layout.js'

function xsrfOf(form: string): string {
  return /name="xsrf" value="([^"]*)"/.exec(form)?.[1] ?? ''
}

function actionOf(form: string): string {
  return /action="([^"]*)"/.exec(form)?.[1] ?? ''
}

function clientName(ctx: KoaContextWithOIDC): string {
  const client = ctx.oidc.client
  return client?.clientName ?? client?.clientId ?? 'the application'
}

/** The pages of one provider, titled with `siteName`. */
export function providerPages(siteName: string) {
  const render = (ctx: KoaContextWithOIDC, title: string, body: ReturnType<typeof html>) => {
    ctx.type = 'html'
    ctx.body = page(title, siteName, body)
  }
  return {
    /** RFC 8628 3.3: where the user types the code shown on the device. */
    async userCodeInputSource(
      ctx: KoaContextWithOIDC,
      form: string,
      _out?: unknown,
      err?: Error & { userCode?: string },
    ) {
      const message = err
        ? err.userCode || err.name === 'NoCodeError'
          ? 'That code is not valid. Check it and try again.'
          : 'The sign-in request could not be completed. Start again on your device.'
        : undefined
      render(
        ctx,
        'Connect a device',
        html`<h1>Connect a device</h1>
${errorBox(message)}
<form method="post" action="${actionOf(form)}">
<input type="hidden" name="xsrf" value="${xsrfOf(form)}">
<label for="user_code">Code shown on your device</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<button type="submit">Continue</button>
</form>`,
      )
    },
    /** RFC 8628 5.4: the user confirms the code matches before anything is granted. */
    async userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, _info: unknown, code: string) {
      render(
        ctx,
        'Confirm the device',
        html`<h1>Connect ${clientName(ctx)}?</h1>
<p>Check that your device shows this code:</p>
<p><code>${code}</code></p>
<form method="post" action="${actionOf(form)}">
<input type="hidden" name="xsrf" value="${xsrfOf(form)}">
<input type="hidden" name="user_code" value="${code}">
<button type="submit" name="confirm" value="yes">Yes, connect it</button>
<button type="submit" name="abort" value="yes" class="secondary">No, cancel</button>
</form>`,
      )
    },
    async successSource(ctx: KoaContextWithOIDC) {
      render(
        ctx,
        'Device connected',
        html`<h1>Device connected</h1><p>You can close this page and return to ${clientName(ctx)}.</p>`,
      )
    },
    /** OpenID Connect RP-Initiated Logout: the user confirms signing out. */
    async logoutSource(ctx: KoaContextWithOIDC, form: string) {
      render(
        ctx,
        'Sign out',
        html`<h1>Sign out of ${siteName}?</h1>
<form method="post" action="${actionOf(form)}">
<input type="hidden" name="xsrf" value="${xsrfOf(form)}">
<button type="submit" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" class="secondary">No, stay signed in</button>
</form>`,
      )
    },
    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      render(ctx, 'Signed out', html`<h1>You are signed out</h1>`)
    },
    /** HTML errors show the OAuth error code and its public description only. */
    async renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
      render(
        ctx,
        'Something went wrong',
        html`<h1>Something went wrong</h1>${errorBox(out.error_description ?? out.error)}<p>Error: ${out.error}</p>`,
      )
    },
  }
}
