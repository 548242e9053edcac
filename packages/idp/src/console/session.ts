/**
 * The console session: an HMAC-signed cookie (under the IdP's cookie keys, with a purpose label of its own) holding a
 * random session id, the signed-in user's id and an expiry. Every browser gets one before signing in, so that the
 * sign-in form has a CSRF token too; signing in issues a new session id (no fixation). The CSRF token is a
 * synchronizer token derived from the session id: a form from another session, or a forged one, does not carry it.
 * The user's status and roles are read from the directory on every request, so disabling a user ends their session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

/** The console session cookie. */
export const SESSION_COOKIE = 'openxaa_console'
/** A signed-in console session lasts this long (seconds), then the user signs in again. */
export const SESSION_LIFETIME = 8 * 3600
/** A not-yet-signed-in session (it only carries the sign-in form's CSRF token). */
const ANONYMOUS_LIFETIME = 3600

/** What the cookie says. */
export interface ConsoleSession {
  /** Random session id: what the CSRF token is bound to. */
  sid: string
  /** The signed-in user's id; absent before sign-in. */
  uid?: string
  /** Expiry, epoch seconds. */
  exp: number
}

/** Where and how the cookie is set. */
export interface CookieSettings {
  keys: readonly string[]
  path: string
  secure: boolean
}

function mac(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`openxaa-console\0${purpose}\0${value}`).digest('base64url')
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Signs `value` for `purpose` with the first key: `value.mac`. */
export function seal(keys: readonly string[], purpose: string, value: string): string {
  return `${value}.${mac(keys[0]!, purpose, value)}`
}

/** The value of a sealed string when any key verifies it; undefined otherwise. */
export function unseal(keys: readonly string[], purpose: string, sealed: string | undefined): string | undefined {
  if (sealed === undefined) return undefined
  const dot = sealed.lastIndexOf('.')
  if (dot <= 0) return undefined
  const value = sealed.slice(0, dot)
  const tag = sealed.slice(dot + 1)
  return keys.some((key) => sameText(mac(key, purpose, value), tag)) ? value : undefined
}

function parse(value: string | undefined, nowSeconds: number): ConsoleSession | undefined {
  if (value === undefined) return undefined
  try {
    const s = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<ConsoleSession>
    if (typeof s.sid !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(s.sid)) return undefined
    if (typeof s.exp !== 'number' || s.exp <= nowSeconds) return undefined
    if (s.uid !== undefined && typeof s.uid !== 'string') return undefined
    return { sid: s.sid, exp: s.exp, ...(s.uid === undefined ? {} : { uid: s.uid }) }
  } catch {
    return undefined
  }
}

/** The session the browser presents, if its signature verifies and it has not expired. */
export function readSession(c: Context, settings: CookieSettings, nowSeconds: number): ConsoleSession | undefined {
  return parse(unseal(settings.keys, 'session', getCookie(c, SESSION_COOKIE)), nowSeconds)
}

/** Writes a session cookie: HttpOnly, SameSite=Lax, Secure on https, scoped to the console's path. */
export function writeSession(c: Context, settings: CookieSettings, session: ConsoleSession, nowSeconds: number): void {
  const value = Buffer.from(JSON.stringify(session)).toString('base64url')
  setCookie(c, SESSION_COOKIE, seal(settings.keys, 'session', value), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: settings.secure,
    path: settings.path,
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
  deleteCookie(c, SESSION_COOKIE, { path: settings.path, secure: settings.secure, httpOnly: true, sameSite: 'Lax' })
}

/** The CSRF token of a session: every POST form carries it. */
export function csrfToken(keys: readonly string[], session: ConsoleSession): string {
  return mac(keys[0]!, 'csrf', session.sid)
}

/** True when `token` is the CSRF token of `session` (under any cookie key). */
export function checkCsrf(keys: readonly string[], session: ConsoleSession | undefined, token: string | null): boolean {
  if (session === undefined || token === null) return false
  return keys.some((key) => sameText(mac(key, 'csrf', session.sid), token))
}
