/** @jsxImportSource hono/jsx */
/** How AS console handlers answer: a page in the layout, a redirect with a message, an action, an error page. */
import { type Flash, htmlPage, type Outcome, runAction } from '@openxaa/console-ui'
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { toAdminError } from '../admin/errors.js'
import { assets } from './assets/index.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { Layout } from './layout.js'
import { sessions } from './session.js'

export { field, fields } from '@openxaa/console-ui'

type C = Context<ConsoleEnv>

/** This session's CSRF token. */
export function csrfOf(c: C, deps: ConsoleDeps): string {
  const session = c.get('session') as ConsoleEnv['Variables']['session'] | undefined
  return session === undefined ? '' : sessions.csrfToken(deps.cookies.keys, session)
}

/** Renders a page. */
export function render(
  c: C,
  deps: ConsoleDeps,
  page: { title: string; active?: string; status?: 200 | 400 | 403 | 404 | 500; body: Child },
): Response {
  const node = (
    <Layout
      title={page.title}
      issuer={deps.context.options.issuer}
      base={deps.base}
      assets={assets.paths(deps.base)}
      active={page.active}
      signedIn={c.get('adminKeyId') !== undefined}
      csrf={csrfOf(c, deps)}
      flash={sessions.takeFlash(c, deps.cookies)}
    >
      {page.body}
    </Layout>
  )
  return htmlPage(c, node, page.status)
}

/** Redirects (303) to `to` below the console with a message. */
export function done(c: C, deps: ConsoleDeps, to: string, flash: Flash): Response {
  sessions.setFlash(c, deps.cookies, flash)
  return c.redirect(`${deps.base}${to}`, 303)
}

/** Runs a state change: success redirects with its message; a refusal of the admin service goes back with its own. */
export function act(c: C, deps: ConsoleDeps, back: string, run: () => Promise<Outcome>): Promise<Response> {
  return runAction(run, back, (to, flash) => done(c, deps, to, flash), toAdminError)
}

/** An error page. */
export function errorPage(c: C, deps: ConsoleDeps, status: 400 | 403 | 404 | 500, title: string, message: string) {
  return render(c, deps, {
    title,
    status,
    body: (
      <section class="card" aria-labelledby="error-title">
        <h1 id="error-title">{title}</h1>
        <p>{message}</p>
        <p>
          <a class="btn btn-secondary" href={deps.base}>
            Back to the console
          </a>
        </p>
      </section>
    ),
  })
}
