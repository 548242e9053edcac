// Checks on what callers write into the resource AS tables: caller mistakes are TypeErrors naming the field.
import { StoreError } from '../errors.js'

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const LOOPBACK = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/

/** A short lower-case identifier: organization ids. */
export function checkSlug(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !SLUG.test(value)) {
    throw new TypeError(`${field} must be 1-63 characters of a-z, 0-9, "-" and "_", starting with a letter or digit`)
  }
}

/** A non-empty string of at most `max` characters without control characters. */
export function checkText(field: string, value: unknown, max = 200): asserts value is string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${field} must be a non-empty string of at most ${max} printable characters`)
  }
}

/** An https URL (http only on a loopback host), without fragment or user information. */
export function checkHttpsUrl(field: string, value: unknown): asserts value is string {
  let url: URL | undefined
  try {
    url = typeof value === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) ? new URL(value) : undefined
  } catch {}
  const ok =
    url !== undefined &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))) &&
    url.username === '' &&
    url.password === '' &&
    !(value as string).includes('#') &&
    /^[\x21-\x7e]+$/.test(value as string)
  if (!ok) throw new TypeError(`${field} must be an https URL (http only on a loopback host), without fragment`)
}

/** RFC 6749 3.3 scope tokens, distinct. */
export function checkScopes(field: string, value: unknown): asserts value is readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw new TypeError(`${field} must be a list of RFC 6749 scope tokens`)
  }
  if (new Set(value).size !== value.length) throw new TypeError(`${field} must not repeat a scope`)
}

/** A list of non-empty strings. */
export function checkStringList(field: string, value: unknown): asserts value is readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 2048)) {
    throw new TypeError(`${field} must be a list of non-empty strings`)
  }
}

/** A JWK Set with at least one key and no private or symmetric members. */
export function checkPublicJwks(field: string, value: unknown): asserts value is { keys: Record<string, unknown>[] } {
  const keys = (value as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'object' && k !== null)) {
    throw new TypeError(`${field} must be a JWK Set with at least one key`)
  }
  for (const key of keys as Record<string, unknown>[]) {
    if (key.kty === 'oct' || ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => key[m] !== undefined)) {
      throw new TypeError(`${field} must hold public keys only`)
    }
  }
}

/** Turns a unique-constraint violation of either dialect into ERR_STORE_CONFLICT. */
export async function conflictAs<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const message = (err as Error).message ?? ''
    if (
      code === '23505' ||
      String(code).startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') ||
      /UNIQUE constraint/.test(message)
    ) {
      throw new StoreError('ERR_STORE_CONFLICT', `${what} already exists`, { cause: err })
    }
    if (code === '23503' || String(code) === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new StoreError('ERR_STORE_NOT_FOUND', `${what} refers to a row that does not exist`, { cause: err })
    }
    throw err
  }
}
