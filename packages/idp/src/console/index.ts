/**
 * The IdP's admin console under `{issuer}/console`: server-rendered pages over the same administrative operations
 * the admin API and the CLI call, so that every change is the same change, audited with the signed-in user as actor.
 * Security: a strict CSP (no inline script or style), frame denial, a signed session cookie, a CSRF token on every
 * POST, the user's status and roles re-read on every request; administrators see everything, every employee sees
 * "My AI connections".
 * @see ../../README.md "Console", ../../../../docs/console.md
 */
import { securityHeaders, sessionAndCsrf } from '@openxaa/console-ui'
import { isDatabaseUnavailable } from '@openxaa/ops'
import { type Context, Hono } from 'hono'
import { ADMIN_ROLE } from '../admin/api/auth.js'
import { adminContext } from '../admin/api/index.js'
import { toAdminError } from '../admin/errors.js'
import type { IdpEnv } from '../app.js'
import { AUDIT_ACTIONS, recordQuietly } from '../audit.js'
import type { IdpRuntime } from '../context.js'
import { requestIdOfContext, withRequestId } from '../request-id.js'
import { applicationRoutes } from './applications.js'
import { assets } from './assets/index.js'
import { auditRoutes } from './audit.js'
import { blockRoutes } from './blocks.js'
import { clientRoutes } from './clients.js'
import { connectionRoutes } from './connections.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { groupRoutes } from './groups.js'
import { keyRoutes } from './keys.js'
import { meRoutes } from './me.js'
import { overviewRoutes } from './overview.js'
import { errorPage } from './respond.js'
import { sessions } from './session.js'
import { signInRoutes } from './sign-in.js'
import { userRoutes } from './users.js'

/** Where the console lives, below the issuer. */
export const CONSOLE_PATH = '/console'

/** The Content-Security-Policy of every console answer (console-ui). */
export { CONSOLE_CSP } from '@openxaa/console-ui'

const MAX_FORM_BYTES = 256 * 1024
const FORM_EXPIRED = 'This form has expired or did not come from this console. Reload the page and try again.'

/** The console routes. */
export function consoleRoutes(runtime: IdpRuntime): Hono<IdpEnv> {
  const base = `${runtime.options.mountPath}${CONSOLE_PATH}`
  const deps: ConsoleDeps = {
    runtime,
    base,
    cookies: { keys: runtime.options.cookieKeys, path: base, secure: runtime.options.issuer.startsWith('https:') },
  }
  const seconds = () => Math.floor(runtime.now() / 1000)
  const app = new Hono<ConsoleEnv>()
  // `${base}/*` also matches `${base}` itself.
  const all = `${base}/*`

  app.use(all, securityHeaders())
  assets.mount(app, base)

  // Every browser has a session (anonymous until sign-in): the CSRF token of the sign-in form is bound to it too.
  app.use(
    all,
    sessionAndCsrf({
      sessions,
      settings: deps.cookies,
      nowSeconds: seconds,
      maxFormBytes: MAX_FORM_BYTES,
      async onForgery(plain, session) {
        const c = plain as Context<ConsoleEnv> // this console's variables (requestId, user…)
        await recordQuietly(runtime.store.audit, runtime.logger, {
          actor: { type: session.uid === undefined ? 'anonymous' : 'user', id: session.uid ?? 'browser' },
          ...withRequestId(requestIdOfContext(c)),
          action: AUDIT_ACTIONS.consoleCsrf,
          decision: 'deny',
          reason: 'ERR_CSRF',
          detail: `console form without a valid CSRF token: ${c.req.method} ${c.req.path}`,
          ...(session.uid === undefined ? {} : { userId: session.uid }),
        })
        return errorPage(c, deps, 403, 'Form expired', FORM_EXPIRED)
      },
    }),
  )

  signInRoutes(app, deps)

  // Signed in, as an active user of the directory (read now: disabling a user ends their console session too).
  app.use(all, async (c, next) => {
    const uid = c.var.session.uid
    const user = uid === undefined ? undefined : await runtime.store.idp.users.get(uid)
    if (user === undefined || user.status !== 'active') {
      if (uid !== undefined) sessions.clear(c, deps.cookies)
      const target = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : ''
      return c.redirect(`${base}/sign-in${target}`, 303)
    }
    c.set('user', user)
    c.set('admin', adminContext(runtime, { type: 'user', id: user.id }))
    return next()
  })

  meRoutes(app, deps)

  app.use(all, async (c, next) => {
    if (c.var.user.roles.includes(ADMIN_ROLE)) return next()
    if (c.req.path === base && c.req.method === 'GET') return c.redirect(`${base}/me`, 303)
    return errorPage(
      c,
      deps,
      403,
      'Administrators only',
      'This page is for administrators. You can see and revoke the AI connections made on your behalf.',
    )
  })

  overviewRoutes(app, deps)
  connectionRoutes(app, deps)
  clientRoutes(app, deps)
  applicationRoutes(app, deps)
  userRoutes(app, deps)
  groupRoutes(app, deps)
  blockRoutes(app, deps)
  auditRoutes(app, deps)
  keyRoutes(app, deps)

  app.all(`${base}/*`, (c) => errorPage(c, deps, 404, 'Not found', 'There is no such page in the console.'))
  app.onError((err, c) => {
    const refusal = toAdminError(err)
    if (refusal !== undefined) {
      const status = refusal.status === 404 ? 404 : refusal.status === 403 ? 403 : 400
      return errorPage(c, deps, status, status === 404 ? 'Not found' : 'Cannot do that', refusal.message)
    }
    // `observe` turns a database outage into a 503 plain page.
    if (!isDatabaseUnavailable(err)) runtime.logger.error('console failure', { error: err.message, path: c.req.path })
    return errorPage(c, deps, 500, 'Something went wrong', 'The request could not be completed. Try again.')
  })
  return app as unknown as Hono<IdpEnv>
}
