import type { SqlDialect } from '../schema.js'

/** Serialises a value for a JSON column; both pg and PGlite take a JSON string for a `jsonb` parameter. */
export function toJson(value: unknown): string {
  return JSON.stringify(value)
}

/** Reads a JSON column: PostgreSQL drivers hand back parsed `jsonb`, SQLite hands back the text. */
export function fromJson<T>(dialect: SqlDialect, value: unknown): T {
  if (dialect === 'sqlite') return JSON.parse(value as string) as T
  return value as T
}
