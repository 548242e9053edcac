/**
 * The authorization endpoint. There is no interactive flow yet: clients reach this AS through Cross-App Access, so
 * the endpoint answers with a clear OAuth error page (never a redirect: the redirect URI cannot be validated).
 * @see RFC 6749 section 4.1.2.1; spec/xaa-protocol.md section 5 "do not redirect the user to the MCP AS"
 */
import { NO_STORE_HEADERS } from '@openxaa/protocol'
import type { Context } from 'hono'
import type { AppEnv, RedemptionContext } from '../context.js'

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** The handler of the authorization endpoint: 400 `temporarily_unavailable`, as HTML or JSON. */
export function authorizationHandler(context: RedemptionContext) {
  const description = 'interactive authorization is not available at this server; use Cross-App Access (ID-JAG)'
  return (c: Context<AppEnv>) => {
    const body = { error: 'temporarily_unavailable', error_description: description }
    const headers = { ...NO_STORE_HEADERS }
    if (!(c.req.header('accept') ?? '').includes('text/html')) return c.json(body, 400, headers)
    const token = escapeHtml(context.options.endpoints.token)
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization unavailable</title></head>
<body><h1>Authorization unavailable</h1>
<p>Error: <code>temporarily_unavailable</code></p>
<p>This authorization server has no interactive sign-in. Applications get access tokens through Cross-App Access:
they redeem an Identity Assertion JWT Authorization Grant (ID-JAG) from your organization's identity provider at
<code>${token}</code> (grant type <code>urn:ietf:params:oauth:grant-type:jwt-bearer</code>).</p>
<p>If you were sent here by an application, ask your administrator to connect it through your identity provider.</p>
</body></html>`
    return c.html(html, 400, headers)
  }
}
