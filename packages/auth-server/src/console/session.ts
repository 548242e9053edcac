/**
 * The console session of the resource AS, which has no user directory: an administrator enters an admin API key
 * once; the session cookie then names that key's id (never the key), HMAC-signed under the server's cookie keys with
 * an expiry. The key is looked up on every request, so revoking it ends the session. Every browser gets a session
 * before signing in, so that the sign-in form has a CSRF token too; signing in issues a new session id. The CSRF
 * token is a synchronizer token derived from the session id. Flash messages travel in a second sealed cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

/** The session cookie. */
export const SESSION_COOKIE = 'openxaa_as_console'
const FLASH_COOKIE = 'openxaa_as_console_flash'
/** A signed-in session lasts this long (seconds). */
export const SESSION_LIFETIME = 8 * 3600

/** What the cookie says. */
export interface ConsoleSession {
  sid: string
  /** The admin API key id, once signed in. */
  kid?: string
  /** Epoch seconds. */
  exp: number
}

/** A message for the next page. */
export interface Flash {
  kind: 'ok' | 'error'
  text: string
  details?: string[]
}

/** Where and how cookies are set. */
export interface CookieSettings {
  keys: readonly string[]
  path: string
  secure: boolean
}

function mac(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`openxaa-as-console\0${purpose}\0${value}`).digest('base64url')
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function seal(keys: readonly string[], purpose: string, data: unknown): string {
  const value = Buffer.from(JSON.stringify(data)).toString('base64url')
  return `${value}.${mac(keys[0]!, purpose, value)}`
}

function unseal(keys: readonly string[], purpose: string, sealed: string | undefined): unknown {
  const dot = sealed?.lastIndexOf('.') ?? -1
  if (sealed === undefined || dot <= 0) return undefined
  const value = sealed.slice(0, dot)
  if (!keys.some((key) => same(mac(key, purpose, value), sealed.slice(dot + 1)))) return undefined
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

const attributes = (s: CookieSettings) => ({ httpOnly: true, sameSite: 'Lax' as const, secure: s.secure, path: s.path })

/** The presented session, if signed and unexpired. */
export function readSession(c: Context, s: CookieSettings, nowSeconds: number): ConsoleSession | undefined {
  const v = unseal(s.keys, 'session', getCookie(c, SESSION_COOKIE)) as Partial<ConsoleSession> | undefined
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
  setCookie(c, SESSION_COOKIE, seal(s.keys, 'session', session), {
    ...attributes(s),
    maxAge: Math.max(0, session.exp - nowSeconds),
  })
}

/** Removes the session cookie. */
export function clearSession(c: Context, s: CookieSettings): void {
  deleteCookie(c, SESSION_COOKIE, attributes(s))
}

/** The session's CSRF token. */
export function csrfToken(keys: readonly string[], session: ConsoleSession): string {
  return mac(keys[0]!, 'csrf', session.sid)
}

/** True when `token` is the session's CSRF token. */
export function checkCsrf(keys: readonly string[], session: ConsoleSession, token: string | null): boolean {
  return token !== null && keys.some((key) => same(mac(key, 'csrf', session.sid), token))
}

/** Leaves a message for the next page. */
export function setFlash(c: Context, s: CookieSettings, flash: Flash): void {
  setCookie(c, FLASH_COOKIE, seal(s.keys, 'flash', flash), { ...attributes(s), maxAge: 120 })
}

/** The pending message, removed as it is read. */
export function takeFlash(c: Context, s: CookieSettings): Flash | undefined {
  const sealed = getCookie(c, FLASH_COOKIE)
  if (sealed === undefined) return undefined
  deleteCookie(c, FLASH_COOKIE, attributes(s))
  const f = unseal(s.keys, 'flash', sealed) as Flash | undefined
  if ((f?.kind !== 'ok' && f?.kind !== 'error') || typeof f.text !== 'string') return undefined
  return { kind: f.kind, text: f.text, ...(Array.isArray(f.details) ? { details: f.details.map(String) } : {}) }
}
