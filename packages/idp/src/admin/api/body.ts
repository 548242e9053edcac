/** Reading admin API JSON bodies and query strings: each field checked, a mistake answered 400 naming the field. */
import type { Context } from 'hono'
import { AdminError } from '../errors.js'

/** A parsed JSON object body. */
export type Body = Record<string, unknown>

/** Reads a JSON object body; `application/json` is required (it also keeps cross-site forms out). */
export async function readBody(c: Context): Promise<Body> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) throw new AdminError('invalid_request', 'the body must be application/json')
  let value: unknown
  try {
    value = await c.req.json()
  } catch {
    throw new AdminError('invalid_request', 'the body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AdminError('invalid_request', 'the body must be a JSON object')
  }
  return value as Body
}

function bad(name: string, what: string): never {
  throw new AdminError('invalid_request', `${name} must be ${what}`)
}

/** A required non-empty string field. */
export function str(body: Body, name: string): string {
  const v = body[name]
  if (typeof v !== 'string' || v === '') bad(name, 'a non-empty string')
  return v
}

/** An optional non-empty string field. */
export function optStr(body: Body, name: string): string | undefined {
  return body[name] === undefined ? undefined : str(body, name)
}

/** A string, null (to clear), or undefined (unchanged). */
export function nullableStr(body: Body, name: string): string | null | undefined {
  return body[name] === null ? null : optStr(body, name)
}

/** An optional boolean field. */
export function optBool(body: Body, name: string): boolean | undefined {
  const v = body[name]
  if (v === undefined) return undefined
  if (typeof v !== 'boolean') bad(name, 'a boolean')
  return v
}

/** An optional array of non-empty strings. */
export function optStrList(body: Body, name: string): string[] | undefined {
  const v = body[name]
  if (v === undefined) return undefined
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) bad(name, 'an array of strings')
  return v as string[]
}

/** A required array of non-empty strings. */
export function strList(body: Body, name: string): string[] {
  const v = optStrList(body, name)
  if (v === undefined) bad(name, 'an array of strings')
  return v
}

/** A whole number, null, or undefined. */
export function optInt(body: Body, name: string): number | null | undefined {
  const v = body[name]
  if (v === undefined || v === null) return v as null | undefined
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(name, 'a whole number >= 0')
  return v
}

/** Only the given fields, so that an unknown one is refused instead of silently ignored. */
export function onlyFields(body: Body, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k))
  if (unknown.length > 0) throw new AdminError('invalid_request', `unknown fields: ${unknown.join(', ')}`)
}

/** A query parameter as a whole number. */
export function queryInt(c: Context, name: string): number | undefined {
  const v = c.req.query(name)
  if (v === undefined || v === '') return undefined
  if (!/^\d+$/.test(v)) bad(name, 'a whole number')
  return Number(v)
}
