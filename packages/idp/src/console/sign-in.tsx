/** @jsxImportSource hono/jsx */
/**
 * Console sign-in with the IdP's own accounts: the directory's scrypt password check (one verification even for an
 * unknown username, one generic message), active users only, every attempt audited. Signing in issues a new session
 * id; signing out removes the cookie. Administrators land on the overview, everyone else on "My AI connections".
 */

import { Csrf } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { ADMIN_ROLE } from '../admin/api/auth.js'
import { AUDIT_ACTIONS, recordQuietly } from '../audit.js'
import { verifyPassword } from '../directory/password.js'
import { requestIdOfContext, withRequestId } from '../request-id.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { csrfOf, render } from './respond.js'
import { sessions } from './session.js'

const GENERIC_FAILURE = 'Wrong username or password.'

/** Only a path inside the console is a place to return to. */
export function safeNext(base: string, next: string | null | undefined): string | undefined {
  if (!next || !(next === base || next.startsWith(`${base}/`))) return undefined
  if (next.includes('//') || next.includes('\\')) return undefined
  return next
}

function SignInForm(props: { action: string; csrf: string; next?: string; username?: string; error?: string }) {
  return (
    <section class="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to the console</h1>
      <p class="muted">Use your company account. Administrators manage AI connections; everyone sees their own.</p>
      {props.error && (
        <p class="flash flash-error" role="alert" id="signin-error">
          {props.error}
        </p>
      )}
      <form method="post" action={props.action} aria-describedby={props.error ? 'signin-error' : undefined}>
        <Csrf token={props.csrf} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <div class="field">
          <label for="username">Username</label>
          <input id="username" name="username" type="text" autocomplete="username" required value={props.username} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button class="btn" type="submit">
          Sign in
        </button>
      </form>
    </section>
  )
}

/** GET and POST sign-in, POST sign-out. */
export function signInRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { runtime, base } = deps
  const { store } = runtime
  const action = `${base}/sign-in`
  const seconds = () => Math.floor(runtime.now() / 1000)

  app.get(action, (c) => {
    if (c.var.session.uid !== undefined) return c.redirect(safeNext(base, c.req.query('next')) ?? base, 303)
    const next = safeNext(base, c.req.query('next'))
    return render(c, deps, {
      title: 'Sign in',
      body: <SignInForm action={action} csrf={csrfOf(c, deps)} {...(next ? { next } : {})} />,
    })
  })

  app.post(action, async (c) => {
    const username = (c.var.form.get('username') ?? '').trim()
    const password = c.var.form.get('password') ?? ''
    const next = safeNext(base, c.var.form.get('next'))
    const found = username === '' ? undefined : await store.idp.users.credentials(username)
    // Always one scrypt verification, so that the response time does not tell which usernames exist.
    const ok = await verifyPassword(password, found?.passwordHash ?? (await runtime.dummyPasswordHash))
    const refused = found === undefined || found.passwordHash === null || !ok || found.user.status !== 'active'
    if (refused) {
      await recordQuietly(store.audit, runtime.logger, {
        actor: { type: 'user', id: found?.user.id ?? 'unknown' },
        ...withRequestId(requestIdOfContext(c)),
        action: AUDIT_ACTIONS.consoleSignIn,
        decision: 'deny',
        reason:
          found !== undefined && ok && found.user.status !== 'active' ? 'ERR_USER_DISABLED' : 'ERR_SIGN_IN_FAILED',
        detail: found === undefined ? 'unknown username' : !ok ? 'wrong password' : 'the user is disabled',
        ...(found ? { userId: found.user.id } : {}),
      })
      return render(c, deps, {
        title: 'Sign in',
        status: 400,
        body: (
          <SignInForm
            action={action}
            csrf={csrfOf(c, deps)}
            username={username}
            error={GENERIC_FAILURE}
            {...(next ? { next } : {})}
          />
        ),
      })
    }
    const user = found.user
    await store.audit.append({
      actor: { type: 'user', id: user.id },
      ...withRequestId(requestIdOfContext(c)),
      action: AUDIT_ACTIONS.consoleSignIn,
      decision: 'allow',
      userId: user.id,
      data: { admin: user.roles.includes(ADMIN_ROLE) },
    })
    // A new session id at sign-in: a session id planted before it is worth nothing after.
    sessions.write(c, deps.cookies, sessions.create(seconds(), user.id), seconds())
    return c.redirect(next ?? (user.roles.includes(ADMIN_ROLE) ? base : `${base}/me`), 303)
  })

  app.post(`${base}/sign-out`, async (c) => {
    const uid = c.var.session.uid
    if (uid !== undefined) {
      await recordQuietly(store.audit, runtime.logger, {
        actor: { type: 'user', id: uid },
        ...withRequestId(requestIdOfContext(c)),
        action: AUDIT_ACTIONS.consoleSignOut,
        decision: 'info',
        userId: uid,
      })
    }
    sessions.clear(c, deps.cookies)
    return c.redirect(action, 303)
  })
}
