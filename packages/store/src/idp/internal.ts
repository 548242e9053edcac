/** Helpers shared by the IdP repositories: ids, JSON arrays, booleans as integers, constraint violations. */
import { randomUUID } from 'node:crypto'
import { StoreError } from '../errors.js'
import { fromJson, toJson } from '../internal/json.js'
import type { SqlDialect } from '../schema.js'

/** A new opaque id (UUID v4); stable ids double as the OIDC `sub` of users. */
export function newId(): string {
  return randomUUID()
}

/** Reads a JSON array-of-strings column. */
export function readList(dialect: SqlDialect, value: unknown): string[] {
  if (value === null || value === undefined) return []
  const list = fromJson<unknown>(dialect, value)
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
}

/** Writes a JSON array-of-strings column, without duplicates. */
export function writeList(values: readonly string[]): string {
  return toJson([...new Set(values)])
}

/** An integer 0/1 column as a boolean. */
export function bool(value: unknown): boolean {
  return Number(value) === 1
}

/** A boolean as an integer 0/1 column. */
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

/** TypeError unless a non-empty string of at most `max` characters. */
export function checkText(name: string, value: unknown, max = 512): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new TypeError(`${name} must be a non-empty string of at most ${max} characters`)
  }
}

/** TypeError unless an array of non-empty strings. */
export function checkStrings(name: string, value: unknown, max = 512): asserts value is string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '' && v.length <= max)) {
    throw new TypeError(`${name} must be an array of non-empty strings`)
  }
}
