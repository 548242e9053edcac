/**
 * The resource AS's admin console under `{issuer}/console`: organizations and their issuer trusts (add, verify the
 * issuer's metadata, enable, disable), clients, resources and scopes, and the audit log of redemptions and refusals.
 * Pages call the same admin service as the admin API and the CLI, so every change is audited the same way (actor
 * `admin` with the API key id). Sign-in: an admin API key, entered once, exchanged for a signed session cookie.
 * Strict CSP, no inline script or style, a CSRF token on every POST.
 * @see ../../README.md "Console"
 */
import { securityHeaders, sessionAndCsrf } from '@openxaa/console-ui'
import { type Context, Hono } from 'hono'
import { toAdminError } from '../admin/errors.js'
import { createAdminService } from '../admin/service.js'
import type { AppEnv, RedemptionContext } from '../context.js'
import { assets } from './assets/index.js'
import { auditRoutes } from './audit.js'
import { clientRoutes } from './clients.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { organizationPageRoutes } from './organization.js'
import { organizationRoutes } from './organizations.js'
import { resourceRoutes } from './resources.js'
import { errorPage } from './respond.js'
import { sessions } from './session.js'
import { signInRoutes } from './sign-in.js'

/** The Content-Security-Policy of every console answer (console-ui). */
export { CONSOLE_CSP } from '@openxaa/console-ui'

const MAX_FORM_BYTES = 64 * 1024
const FORM_EXPIRED = 'This form has expired or did not come from this console. Reload the page and try again.'

/** The console routes, mounted by the app when `options.console` is on. */
export function consoleRoutes(context: RedemptionContext): Hono<AppEnv> {
  const base = `${context.options.basePath}/console`
  const deps: ConsoleDeps = {
    context,
    service: createAdminService(context),
    base,
    cookies: { keys: context.options.cookieKeys, path: base, secure: context.options.issuer.startsWith('https:') },
  }
  const all = `${base}/*`
  const app = new Hono<ConsoleEnv>()

  app.use(all, securityHeaders())
  assets.mount(app, base)

  // Every browser has a session (anonymous until sign-in): the CSRF token of the sign-in form is bound to it too.
  app.use(
    all,
    sessionAndCsrf({
      sessions,
      settings: deps.cookies,
      nowSeconds: () => context.nowSeconds(),
      maxFormBytes: MAX_FORM_BYTES,
      async onForgery(plain, session) {
        const c = plain as Context<ConsoleEnv> // this console's variables (requestId, user…)
        await context.store.audit
          .append({
            actor:
              session.kid === undefined ? { type: 'anonymous', id: 'browser' } : { type: 'admin', id: session.kid },
            action: 'console.csrf',
            decision: 'deny',
            reason: 'ERR_CSRF',
            detail: `console form without a valid CSRF token: ${c.req.path}`,
            requestId: c.var.requestId,
          })
          .catch((err) => context.logger.error('audit write failed', { error: (err as Error).message }))
        return errorPage(c, deps, 403, 'Form expired', FORM_EXPIRED)
      },
    }),
  )

  signInRoutes(app, deps)

  // Signed in with an API key that is still active (revoking the key ends the session).
  app.use(all, async (c, next) => {
    const kid = c.var.session.kid
    const key = kid === undefined ? undefined : (await deps.service.listApiKeys()).find((k) => k.id === kid)
    if (key === undefined || key.revokedAt !== null) {
      if (kid !== undefined) sessions.clear(c, deps.cookies)
      return c.redirect(`${base}/sign-in`, 303)
    }
    c.set('adminKeyId', key.id)
    return next()
  })

  organizationRoutes(app, deps)
  organizationPageRoutes(app, deps)
  clientRoutes(app, deps)
  resourceRoutes(app, deps)
  auditRoutes(app, deps)

  app.all(all, (c) => errorPage(c, deps, 404, 'Not found', 'There is no such page in the console.'))
  app.onError((err, c) => {
    const refusal = toAdminError(err)
    if (refusal !== undefined) {
      return errorPage(
        c,
        deps,
        refusal.status === 404 ? 404 : 400,
        refusal.status === 404 ? 'Not found' : 'Cannot do that',
        refusal.message,
      )
    }
    context.logger.error('console failure', { error: err instanceof Error ? err.message : 'non-error thrown' })
    return errorPage(c, deps, 500, 'Something went wrong', 'The request could not be completed. Try again.')
  })
  return app as unknown as Hono<AppEnv>
}
