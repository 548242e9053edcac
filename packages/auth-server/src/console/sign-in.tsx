/** @jsxImportSource hono/jsx */
/**
 * Console sign-in with an admin API key (the resource AS has no user directory): the key is checked like the admin
 * API checks it, then exchanged for a signed session cookie that names the key's id. Every attempt is audited.
 */

import { Csrf } from '@openxaa/console-ui'
import type { Hono } from 'hono'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { csrfOf, render } from './respond.js'
import { sessions } from './session.js'

function SignInForm({ action, csrf, error }: { action: string; csrf: string; error?: string }) {
  return (
    <section class="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to the console</h1>
      <p class="muted">
        Enter an admin API key (from <code>openxaa-as api-key create</code>). It is checked once; the browser then keeps
        a signed session, never the key.
      </p>
      {error && (
        <p class="flash flash-error" role="alert">
          {error}
        </p>
      )}
      <form method="post" action={action}>
        <Csrf token={csrf} />
        <div class="field">
          <label for="apiKey">Admin API key</label>
          <input id="apiKey" name="apiKey" type="password" autocomplete="off" required />
        </div>
        <button class="btn" type="submit">
          Sign in
        </button>
      </form>
    </section>
  )
}

/** GET/POST sign-in and POST sign-out. */
export function signInRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, context } = deps
  const action = `${base}/sign-in`

  app.get(action, (c) =>
    render(c, deps, { title: 'Sign in', body: <SignInForm action={action} csrf={csrfOf(c, deps)} /> }),
  )

  app.post(action, async (c) => {
    const key = c.var.form.get('apiKey') ?? ''
    const apiKey = /^[!-~]{1,200}$/.test(key) ? await context.store.authServer.apiKeys.verify(key) : undefined
    if (apiKey === undefined) {
      await context.store.audit
        .append({
          actor: { type: 'anonymous', id: 'browser' },
          action: 'console.sign_in',
          decision: 'deny',
          reason: 'ERR_ADMIN_API_KEY',
          requestId: c.var.requestId,
        })
        .catch((err) => context.logger.error('audit write failed', { error: (err as Error).message }))
      return render(c, deps, {
        title: 'Sign in',
        status: 400,
        body: <SignInForm action={action} csrf={csrfOf(c, deps)} error="That is not a valid admin API key." />,
      })
    }
    await context.store.audit.append({
      actor: { type: 'admin', id: apiKey.id },
      action: 'console.sign_in',
      decision: 'allow',
      requestId: c.var.requestId,
    })
    const now = context.nowSeconds()
    // A new session id at sign-in: one planted before is worth nothing after.
    sessions.write(c, deps.cookies, sessions.create(now, apiKey.id), now)
    return c.redirect(base, 303)
  })

  app.post(`${base}/sign-out`, (c) => {
    sessions.clear(c, deps.cookies)
    return c.redirect(action, 303)
  })
}
