/** Helpers shared by the IdP repositories: ids, JSON arrays, booleans as integers, constraint violations. */
import { randomUUID } from 'node:crypto'
import { StoreError } from '../errors.js'
import { fromJson, toJson } from '../internal/json.js'
import type { SqlDialect } from '../schema.js'

/** A new opaque id (UUID v4); stable ids double as the OIDC `sub` of users. */
export function newId(): string {
  return randomUUID()
}

export function readList(dialect: SqlDialect, value: unknown): string[] {
  if (value === null || value === undefined) return []
  const list = fromJson<unknown>(dialect, value)
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
}

export function writeList(values: readonly string[]): string {
  return toJson([...new Set(values)])
}

export function bool(value: unknown): boolean {
  return Number(value) === 1
}

export function int(value: boolean): number {
  return value ? 1 : 0
}

/** True for a unique or primary-key violation on SQLite, PostgreSQL or PGlite. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | null
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** True for a foreign-key violation: the write named a row that does not exist. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | null
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

/** Runs a write, turning constraint violations into {@link StoreError}s with a message that names the rule. */
export async function guardWrite<T>(
  write: () => Promise<T>,
  conflict: string,
  missing = 'a referenced row',
): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreError('ERR_STORE_CONFLICT', conflict, { cause: err })
    if (isForeignKeyViolation(err))
      throw new StoreError('ERR_STORE_NOT_FOUND', `${missing} does not exist`, { cause: err })
    throw err
  }
}

export function checkText(name: string, value: unknown, max = 512): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new TypeError(`${name} must be a non-empty string of at most ${max} characters`)
  }
}

export function checkStrings(name: string, value: unknown, max = 512): asserts value is string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '' && v.length <= max)) {
    throw new TypeError(`${name} must be an array of non-empty strings`)
  }
}
