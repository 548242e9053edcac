/** @jsxImportSource hono/jsx */
/**
 * How console handlers answer: a full page in the layout, a redirect with a flash message (POST-redirect-GET), an
 * action that turns an operation's refusal into an error message on the page it came from, and error pages.
 */
import { type Flash, htmlPage, type Outcome, runAction } from '@openxaa/console-ui'
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { ADMIN_ROLE } from '../admin/api/auth.js'
import { toAdminError } from '../admin/errors.js'
import { assets } from './assets/index.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { Layout } from './layout.js'
import { sessions } from './session.js'

export { field, fields, type Outcome } from '@openxaa/console-ui'

type C = Context<ConsoleEnv>

/** The CSRF token of this request's session. */
export function csrfOf(c: C, deps: ConsoleDeps): string {
  const session = c.get('session') as ConsoleEnv['Variables']['session'] | undefined
  return session === undefined ? '' : sessions.csrfToken(deps.cookies.keys, session)
}

/** Renders a page in the layout. */
export function render(
  c: C,
  deps: ConsoleDeps,
  page: { title: string; active?: string; status?: 200 | 400 | 403 | 404 | 500; body: Child },
): Response {
  const user = c.get('user') as ConsoleEnv['Variables']['user'] | undefined
  const node = (
    <Layout
      title={page.title}
      siteName={deps.runtime.options.displayName}
      base={deps.base}
      assets={assets.paths(deps.base)}
      active={page.active}
      user={user && { name: user.name ?? user.username, admin: user.roles.includes(ADMIN_ROLE) }}
      csrf={csrfOf(c, deps)}
      flash={sessions.takeFlash(c, deps.cookies)}
    >
      {page.body}
    </Layout>
  )
  return htmlPage(c, node, page.status)
}

/** Redirects (303) to `to` below the console, leaving a message for that page. */
export function done(c: C, deps: ConsoleDeps, to: string, flash: Flash): Response {
  sessions.setFlash(c, deps.cookies, flash)
  return c.redirect(`${deps.base}${to}`, 303)
}

/**
 * Runs a state change. Success: redirect with its message. An operation's refusal (not found, conflict, bad input):
 * back to `back` with the refusal's message. Anything else is a server fault for `onError`.
 */
export function act(c: C, deps: ConsoleDeps, back: string, run: () => Promise<Outcome>): Promise<Response> {
  return runAction(run, back, (to, flash) => done(c, deps, to, flash), toAdminError)
}

/** An error page with a way on. */
export function errorPage(
  c: C,
  deps: ConsoleDeps,
  status: 400 | 403 | 404 | 500,
  title: string,
  message: string,
): Response {
  const signedIn = c.get('user') !== undefined
  return render(c, deps, {
    title,
    status,
    body: (
      <section class="card" aria-labelledby="error-title">
        <h1 id="error-title">{title}</h1>
        <p>{message}</p>
        <p class="actions">
          {signedIn ? (
            <a class="btn btn-secondary" href={`${deps.base}/me`}>
              Go to My AI connections
            </a>
          ) : (
            <a class="btn btn-secondary" href={`${deps.base}/sign-in`}>
              Sign in
            </a>
          )}
        </p>
      </section>
    ),
  })
}

/** A `back` path posted by a form, when it is a console path; else the fallback. */
export function backTo(value: string, fallback: string): string {
  return /^\/[a-z]+(\/[A-Za-z0-9._~%-]+)*$/.test(value) ? value : fallback
}
