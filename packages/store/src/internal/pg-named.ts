/**
 * Named (server-side prepared) statements for the PostgreSQL pool. Kysely sends every query as an unnamed statement,
 * so PostgreSQL parses and plans the same few texts again on each request: on a token request that was half the
 * database's CPU and a third of the client's cost per query. A statement text seen here gets a name, so each
 * connection parses it once and then only binds and executes.
 *
 * Bounded: the first {@link MAX_NAMED_TEXTS} distinct texts get names (the hot queries are compiled once and
 * repeat, `prepared.ts`); any further text runs unnamed, so a connection never holds more than that many
 * statements. A statement whose result type a schema change altered (SQLSTATE 0A000, "cached plan must not change
 * result type", e.g. a migration run by another replica) is run again unnamed, and its text stays unnamed.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'

/** Distinct statement texts that get a name, per pool. */
export const MAX_NAMED_TEXTS = 256
const FEATURE_NOT_SUPPORTED = '0A000'
const PATCHED = Symbol('openxaa.namedStatements')

type QueryFn = (...args: unknown[]) => unknown

/** Names the statements of every client the pool connects from now on. */
export function useNamedStatements(pool: pg.Pool): void {
  const names = new Map<string, string | null>()
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text)
    if (name === undefined) {
      if (names.size >= MAX_NAMED_TEXTS) return undefined
      name = `oxa_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`
      names.set(text, name)
    }
    return name ?? undefined
  }
  pool.on('connect', (client) => {
    const patched = client as pg.PoolClient & { [PATCHED]?: true }
    if (patched[PATCHED]) return
    patched[PATCHED] = true
    const query = client.query.bind(client) as QueryFn
    ;(client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
      const [text, values] = args
      // Only Kysely's form, `query(text, values)` returning a promise; anything else (a config object, a cursor, a
      // callback) goes through untouched.
      if (typeof text !== 'string' || !Array.isArray(values) || args.length !== 2) return query(...args)
      const name = nameFor(text)
      if (name === undefined) return query(text, values)
      return (query({ name, text, values }) as Promise<unknown>).catch((err: { code?: unknown }) => {
        if (err?.code !== FEATURE_NOT_SUPPORTED) throw err
        names.set(text, null)
        return query(text, values)
      })
    }
  })
}
