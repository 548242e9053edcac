/**
 * CSRF tokens for the interaction forms, bound to both the interaction (its uid) and a browser cookie: the token is
 * an HMAC, under the IdP's cookie keys, of the uid and a random per-browser cookie value. A forged form lacks the
 * cookie's value; a token copied from another interaction names another uid.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'

/** The cookie holding the per-browser CSRF secret. */
export const CSRF_COOKIE = 'openxaa_csrf'

function mac(key: string, uid: string, secret: string): string {
  return createHmac('sha256', key).update(`interaction\0${uid}\0${secret}`).digest('base64url')
}

/** The token to embed in the forms of interaction `uid`; sets the cookie if the browser has none. */
export function issueCsrfToken(c: Context, keys: readonly string[], uid: string, cookiePath: string): string {
  let secret = getCookie(c, CSRF_COOKIE)
  if (secret === undefined || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    secret = randomBytes(32).toString('base64url')
    setCookie(c, CSRF_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'Lax',
      path: cookiePath,
      secure: new URL(c.req.url).protocol === 'https:',
    })
  }
  return mac(keys[0]!, uid, secret)
}

/** True when `token` was issued for interaction `uid` to the browser presenting the cookie (any cookie key). */
export function checkCsrfToken(c: Context, keys: readonly string[], uid: string, token: string | undefined): boolean {
  const secret = getCookie(c, CSRF_COOKIE)
  if (secret === undefined || token === undefined) return false
  const presented = Buffer.from(token)
  return keys.some((key) => {
    const expected = Buffer.from(mac(key, uid, secret))
    return expected.length === presented.length && timingSafeEqual(expected, presented)
  })
}
