/**
 * The console session: an HMAC-signed cookie (under the IdP's cookie keys, with a purpose label of its own) holding a
 * random session id, the signed-in user's id and an expiry. Every browser gets one before signing in, so that the
 * sign-in form has a CSRF token too; signing in issues a new session id (no fixation). The CSRF token is a
 * synchronizer token derived from the session id: a form from another session, or a forged one, does not carry it.
 * The user's status and roles are read from the directory on every request, so disabling a user ends their session.
 */
import { randomBytes } from 'node:crypto'
import { type ConsoleCookies, type CookieSettings, consoleCookies } from '@openxaa/console-ui'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

export type { CookieSettings }

/** The console session cookie. */
export const SESSION_COOKIE = 'openxaa_console'
/** A signed-in console session lasts this long (seconds), then the user signs in again. */
export const SESSION_LIFETIME = 8 * 3600
/** A not-yet-signed-in session (it only carries the sign-in form's CSRF token). */
const ANONYMOUS_LIFETIME = 3600

const cookies: ConsoleCookies = consoleCookies({ label: 'openxaa-console', flashCookie: 'openxaa_console_flash' })

/** Flash messages across a POST-redirect-GET (console-ui). */
export const { setFlash, takeFlash } = cookies

/** What the cookie says. */
export interface ConsoleSession {
  /** Random session id: what the CSRF token is bound to. */
  sid: string
  /** The signed-in user's id; absent before sign-in. */
  uid?: string
  /** Expiry, epoch seconds. */
  exp: number
}

/** The session the browser presents, if its signature verifies and it has not expired. */
export function readSession(c: Context, settings: CookieSettings, nowSeconds: number): ConsoleSession | undefined {
  const s = cookies.unseal(settings.keys, 'session', getCookie(c, SESSION_COOKIE)) as
    | Partial<ConsoleSession>
    | undefined
  if (typeof s?.sid !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(s.sid)) return undefined
  if (typeof s.exp !== 'number' || s.exp <= nowSeconds) return undefined
  if (s.uid !== undefined && typeof s.uid !== 'string') return undefined
  return { sid: s.sid, exp: s.exp, ...(s.uid === undefined ? {} : { uid: s.uid }) }
}

/** Writes a session cookie: HttpOnly, SameSite=Lax, Secure on https, scoped to the console's path. */
export function writeSession(c: Context, settings: CookieSettings, session: ConsoleSession, nowSeconds: number): void {
  setCookie(c, SESSION_COOKIE, cookies.seal(settings.keys, 'session', session), {
    ...cookies.attributes(settings),
    maxAge: Math.max(0, session.exp - nowSeconds),
  })
}

/** A new session with a fresh id: anonymous, or signed in as `uid`. */
export function newSession(nowSeconds: number, uid?: string): ConsoleSession {
  const sid = randomBytes(24).toString('base64url')
  return uid === undefined
    ? { sid, exp: nowSeconds + ANONYMOUS_LIFETIME }
    : { sid, uid, exp: nowSeconds + SESSION_LIFETIME }
}

/** Removes the session cookie. */
export function clearSession(c: Context, settings: CookieSettings): void {
  deleteCookie(c, SESSION_COOKIE, cookies.attributes(settings))
}

/** The CSRF token of a session: every POST form carries it. */
export function csrfToken(keys: readonly string[], session: ConsoleSession): string {
  return cookies.csrfToken(keys, session.sid)
}

/** True when `token` is the CSRF token of `session` (under any cookie key). */
export function checkCsrf(keys: readonly string[], session: ConsoleSession | undefined, token: string | null): boolean {
  return cookies.checkCsrf(keys, session?.sid, token)
}
