/**
 * The consoles' signed cookies: JSON sealed with an HMAC under the server's cookie keys (the first key signs, any key
 * verifies, so keys rotate), each MAC bound to the console's label and a purpose ('session', 'flash', 'csrf') so that
 * no value signed for one use passes for another. The CSRF token is a synchronizer token derived from the session
 * id: a form from another session, or a forged one, does not carry it. Flash messages cross a POST-redirect-GET in a
 * short-lived sealed cookie; never a secret: secrets are shown in the POST's own answer, once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

/** Where and how a console's cookies are set. */
export interface CookieSettings {
  /** HMAC keys: the first signs, every one verifies. */
  keys: readonly string[]
  /** The console's path. */
  path: string
  /** Secure cookies (the console is served over https). */
  secure: boolean
}

/** A message for the next page. */
export interface Flash {
  kind: 'ok' | 'error'
  /** Headline. */
  text: string
  /** Optional lines: the effect of what was done. */
  details?: string[]
}

/** Attributes of every console cookie: HttpOnly, SameSite=Lax, Secure on https, scoped to the console's path. */
export interface CookieAttributes {
  httpOnly: true
  sameSite: 'Lax'
  secure: boolean
  path: string
}

/** The cookie functions of one console. */
export interface ConsoleCookies {
  /** `base64url(JSON).mac`, signed with the first key for `purpose`. */
  seal(keys: readonly string[], purpose: string, data: unknown): string
  /** The parsed value of a sealed string when any key verifies it; undefined otherwise. */
  unseal(keys: readonly string[], purpose: string, sealed: string | undefined): unknown
  attributes(settings: CookieSettings): CookieAttributes
  /** The CSRF token of session `sid`: every POST form carries it. */
  csrfToken(keys: readonly string[], sid: string): string
  /** True when `token` is the CSRF token of session `sid` (under any key). */
  checkCsrf(keys: readonly string[], sid: string | undefined, token: string | null): boolean
  /** Leaves a message for the next page this browser loads. */
  setFlash(c: Context, settings: CookieSettings, flash: Flash): void
  /** The pending message, removed as it is read. */
  takeFlash(c: Context, settings: CookieSettings): Flash | undefined
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The cookie functions of a console whose MACs carry `label` and whose flash cookie is `flashCookie`.
 * @example const cookies = consoleCookies({ label: 'openxaa-console', flashCookie: 'openxaa_console_flash' })
 */
export function consoleCookies(names: { label: string; flashCookie: string }): ConsoleCookies {
  const mac = (key: string, purpose: string, value: string) =>
    createHmac('sha256', key).update(`${names.label}\0${purpose}\0${value}`).digest('base64url')
  const attributes = (s: CookieSettings): CookieAttributes => ({
    httpOnly: true,
    sameSite: 'Lax',
    secure: s.secure,
    path: s.path,
  })

  function seal(keys: readonly string[], purpose: string, data: unknown): string {
    const value = Buffer.from(JSON.stringify(data)).toString('base64url')
    return `${value}.${mac(keys[0]!, purpose, value)}`
  }

  function unseal(keys: readonly string[], purpose: string, sealed: string | undefined): unknown {
    if (sealed === undefined) return undefined
    const dot = sealed.lastIndexOf('.')
    if (dot <= 0) return undefined
    const value = sealed.slice(0, dot)
    const tag = sealed.slice(dot + 1)
    if (!keys.some((key) => sameText(mac(key, purpose, value), tag))) return undefined
    try {
      return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    } catch {
      return undefined
    }
  }

  return Object.freeze({
    seal,
    unseal,
    attributes,
    csrfToken: (keys: readonly string[], sid: string) => mac(keys[0]!, 'csrf', sid),
    checkCsrf(keys: readonly string[], sid: string | undefined, token: string | null): boolean {
      if (sid === undefined || token === null) return false
      return keys.some((key) => sameText(mac(key, 'csrf', sid), token))
    },
    setFlash(c: Context, settings: CookieSettings, flash: Flash): void {
      setCookie(c, names.flashCookie, seal(settings.keys, 'flash', flash), { ...attributes(settings), maxAge: 120 })
    },
    takeFlash(c: Context, settings: CookieSettings): Flash | undefined {
      const sealed = getCookie(c, names.flashCookie)
      if (sealed === undefined) return undefined
      deleteCookie(c, names.flashCookie, attributes(settings))
      const f = unseal(settings.keys, 'flash', sealed) as Partial<Flash> | undefined
      if ((f?.kind !== 'ok' && f?.kind !== 'error') || typeof f.text !== 'string') return undefined
      const details = Array.isArray(f.details) ? f.details.filter((d): d is string => typeof d === 'string') : undefined
      return { kind: f.kind, text: f.text, ...(details ? { details } : {}) }
    },
  })
}
