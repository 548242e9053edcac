/**
 * Flash messages across a POST-redirect-GET: a short-lived sealed cookie read (and removed) by the next page, which
 * shows it in an `aria-live` region. Never a secret: secrets are shown in the POST's own answer, once.
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { type CookieSettings, seal, unseal } from './session.js'

const FLASH_COOKIE = 'openxaa_console_flash'

/** A message for the next page. */
export interface Flash {
  kind: 'ok' | 'error'
  /** Headline. */
  text: string
  /** Optional lines: the effect of what was done. */
  details?: string[]
}

/** Leaves a message for the next page this browser loads. */
export function setFlash(c: Context, settings: CookieSettings, flash: Flash): void {
  const value = Buffer.from(JSON.stringify(flash)).toString('base64url')
  setCookie(c, FLASH_COOKIE, seal(settings.keys, 'flash', value), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: settings.secure,
    path: settings.path,
    maxAge: 120,
  })
}

/** The pending message, removed as it is read. */
export function takeFlash(c: Context, settings: CookieSettings): Flash | undefined {
  const sealed = getCookie(c, FLASH_COOKIE)
  if (sealed === undefined) return undefined
  deleteCookie(c, FLASH_COOKIE, { path: settings.path, secure: settings.secure, httpOnly: true, sameSite: 'Lax' })
  const value = unseal(settings.keys, 'flash', sealed)
  if (value === undefined) return undefined
  try {
    const f = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Flash
    if ((f.kind !== 'ok' && f.kind !== 'error') || typeof f.text !== 'string') return undefined
    const details = Array.isArray(f.details) ? f.details.filter((d): d is string => typeof d === 'string') : undefined
    return { kind: f.kind, text: f.text, ...(details ? { details } : {}) }
  } catch {
    return undefined
  }
}
