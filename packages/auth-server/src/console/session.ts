/**
 * The console session of the resource AS, which has no user directory: an administrator enters an admin API key
 * once; the session cookie then names that key's id (never the key), HMAC-signed under the server's cookie keys with
 * an expiry. The key is looked up on every request, so revoking it ends the session. Every browser gets a session
 * before signing in, so that the sign-in form has a CSRF token too; signing in issues a new session id. The CSRF
 * token is a synchronizer token derived from the session id. Flash messages travel in a second sealed cookie.
 */
import { randomBytes } from 'node:crypto'
import { type ConsoleCookies, type CookieSettings, consoleCookies } from '@openxaa/console-ui'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

export type { CookieSettings }

/** The session cookie. */
export const SESSION_COOKIE = 'openxaa_as_console'
/** A signed-in session lasts this long (seconds). */
export const SESSION_LIFETIME = 8 * 3600

const cookies: ConsoleCookies = consoleCookies({ label: 'openxaa-as-console', flashCookie: 'openxaa_as_console_flash' })

/** Flash messages across a POST-redirect-GET (console-ui). */
export const { setFlash, takeFlash } = cookies

/** What the cookie says. */
export interface ConsoleSession {
  sid: string
  /** The admin API key id, once signed in. */
  kid?: string
  /** Epoch seconds. */
  exp: number
}

/** The presented session, if signed and unexpired. */
export function readSession(c: Context, s: CookieSettings, nowSeconds: number): ConsoleSession | undefined {
  const v = cookies.unseal(s.keys, 'session', getCookie(c, SESSION_COOKIE)) as Partial<ConsoleSession> | undefined
  if (typeof v?.sid !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(v.sid)) return undefined
  if (typeof v.exp !== 'number' || v.exp <= nowSeconds) return undefined
  if (v.kid !== undefined && typeof v.kid !== 'string') return undefined
  return { sid: v.sid, exp: v.exp, ...(v.kid === undefined ? {} : { kid: v.kid }) }
}

/** A new session (fresh id): anonymous (one hour) or signed in with API key `kid`. */
export function newSession(nowSeconds: number, kid?: string): ConsoleSession {
  const sid = randomBytes(24).toString('base64url')
  return kid === undefined ? { sid, exp: nowSeconds + 3600 } : { sid, kid, exp: nowSeconds + SESSION_LIFETIME }
}

/** Writes the session cookie: HttpOnly, SameSite=Lax, Secure on https, the console's path. */
export function writeSession(c: Context, s: CookieSettings, session: ConsoleSession, nowSeconds: number): void {
  setCookie(c, SESSION_COOKIE, cookies.seal(s.keys, 'session', session), {
    ...cookies.attributes(s),
    maxAge: Math.max(0, session.exp - nowSeconds),
  })
}

/** Removes the session cookie. */
export function clearSession(c: Context, s: CookieSettings): void {
  deleteCookie(c, SESSION_COOKIE, cookies.attributes(s))
}

/** The session's CSRF token. */
export function csrfToken(keys: readonly string[], session: ConsoleSession): string {
  return cookies.csrfToken(keys, session.sid)
}

/** True when `token` is the session's CSRF token. */
export function checkCsrf(keys: readonly string[], session: ConsoleSession, token: string | null): boolean {
  return cookies.checkCsrf(keys, session.sid, token)
}
