/**
 * The console session: a sealed cookie (see cookies.ts) holding a random session id, who signed in (under a field
 * name each console chooses: a user id, an API key id) and an expiry. Every browser gets one before signing in, so
 * that the sign-in form has a CSRF token too; signing in issues a new session id (no fixation). Who the session names
 * is looked up again on every request by the console, so disabling a user or revoking a key ends the session.
 */
import { randomBytes } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { type ConsoleCookies, type CookieSettings, consoleCookies, type Flash } from './cookies.js'
import { readPostedForm } from './http.js'

/** What the session cookie says; `P` names the field of who signed in (absent before sign-in). */
export type ConsoleSession<P extends string> = { sid: string; exp: number } & { [K in P]?: string }

/** The session functions of one console. */
export interface ConsoleSessions<P extends string> {
  /** The session the browser presents, if its signature verifies and it has not expired. */
  read(c: Context, settings: CookieSettings, nowSeconds: number): ConsoleSession<P> | undefined
  /** A new session with a fresh id: anonymous, or signed in as `who`. */
  create(nowSeconds: number, who?: string): ConsoleSession<P>
  /** Writes the session cookie: HttpOnly, SameSite=Lax, Secure on https, the console's path. */
  write(c: Context, settings: CookieSettings, session: ConsoleSession<P>, nowSeconds: number): void
  /** Removes the session cookie. */
  clear(c: Context, settings: CookieSettings): void
  /** The session's CSRF token: every POST form carries it. */
  csrfToken(keys: readonly string[], session: ConsoleSession<P>): string
  /** True when `token` is the CSRF token of `session` (under any cookie key). */
  checkCsrf(keys: readonly string[], session: ConsoleSession<P> | undefined, token: string | null): boolean
  /** Leaves a message for the next page this browser loads. */
  setFlash(c: Context, settings: CookieSettings, flash: Flash): void
  /** The pending message, removed as it is read. */
  takeFlash(c: Context, settings: CookieSettings): Flash | undefined
}

/**
 * The sessions of a console: cookie names, the MAC label, the field naming who signed in, and lifetimes (seconds).
 * @example consoleSessions({ cookie: 'openxaa_console', flashCookie: 'openxaa_console_flash', label: 'openxaa-console', who: 'uid', lifetime: 8 * 3600, anonymousLifetime: 3600 })
 */
export function consoleSessions<P extends string>(o: {
  cookie: string
  flashCookie: string
  label: string
  who: P
  lifetime: number
  anonymousLifetime: number
}): ConsoleSessions<P> {
  const cookies: ConsoleCookies = consoleCookies({ label: o.label, flashCookie: o.flashCookie })
  return Object.freeze({
    read(c: Context, settings: CookieSettings, nowSeconds: number): ConsoleSession<P> | undefined {
      const v = cookies.unseal(settings.keys, 'session', getCookie(c, o.cookie)) as Record<string, unknown> | undefined
      if (typeof v?.sid !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(v.sid)) return undefined
      if (typeof v.exp !== 'number' || v.exp <= nowSeconds) return undefined
      const who = v[o.who]
      if (who !== undefined && typeof who !== 'string') return undefined
      return { sid: v.sid, exp: v.exp, ...(who === undefined ? {} : { [o.who]: who }) } as ConsoleSession<P>
    },
    create(nowSeconds: number, who?: string): ConsoleSession<P> {
      const sid = randomBytes(24).toString('base64url')
      return (
        who === undefined
          ? { sid, exp: nowSeconds + o.anonymousLifetime }
          : { sid, [o.who]: who, exp: nowSeconds + o.lifetime }
      ) as ConsoleSession<P>
    },
    write(c: Context, settings: CookieSettings, session: ConsoleSession<P>, nowSeconds: number): void {
      setCookie(c, o.cookie, cookies.seal(settings.keys, 'session', session), {
        ...cookies.attributes(settings),
        maxAge: Math.max(0, session.exp - nowSeconds),
      })
    },
    clear(c: Context, settings: CookieSettings): void {
      deleteCookie(c, o.cookie, cookies.attributes(settings))
    },
    csrfToken: (keys: readonly string[], session: ConsoleSession<P>) => cookies.csrfToken(keys, session.sid),
    checkCsrf: (keys: readonly string[], session: ConsoleSession<P> | undefined, token: string | null) =>
      cookies.checkCsrf(keys, session?.sid, token),
    setFlash: cookies.setFlash,
    takeFlash: cookies.takeFlash,
  })
}

/**
 * Middleware: gives every browser a session (anonymous until sign-in) as `c.var.session`, and on a POST reads the
 * form and checks its CSRF token before anything else runs: a missing or foreign token goes to `onForgery` (which
 * audits and answers 403), a valid one puts the form in `c.var.form`.
 */
export function sessionAndCsrf<P extends string>(o: {
  sessions: ConsoleSessions<P>
  settings: CookieSettings
  nowSeconds: () => number
  maxFormBytes: number
  onForgery: (c: Context, session: ConsoleSession<P>) => Promise<Response>
}): MiddlewareHandler<{ Variables: { session: ConsoleSession<P>; form: URLSearchParams } }> {
  return async (c, next) => {
    let session = o.sessions.read(c, o.settings, o.nowSeconds())
    if (session === undefined) {
      session = o.sessions.create(o.nowSeconds())
      o.sessions.write(c, o.settings, session, o.nowSeconds())
    }
    c.set('session', session)
    if (c.req.method !== 'POST') return next()
    const form = await readPostedForm(c, o.maxFormBytes)
    if (!o.sessions.checkCsrf(o.settings.keys, session, form.get('csrf'))) return o.onForgery(c, session)
    c.set('form', form)
    return next()
  }
}
