/**
 * Queries of the hot paths, built and compiled by Kysely once and then run with new parameters. Building a query
 * (immutable node trees, freezing, the compiler's visitor) cost more CPU than running it on SQLite; the SQL text of
 * these queries never changes, only their values do.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely'
import type { Database } from '../schema.js'

/** Runs the prepared query with one value per slot, in slot order; resolves to its rows. */
export type PreparedQuery<R> = (...values: unknown[]) => Promise<R[]>

const slotName = (i: number) => `\u0000openxaa-slot-${i}\u0000`

/**
 * Compiles `build(slot0, slot1, ...)` over `db` on first use and reuses the SQL: each compiled parameter that is a
 * slot marker is replaced by that slot's value at run time; any other parameter (a constant of the query) is kept.
 * One per repository instance: the SQL text depends on the executor's dialect.
 */
export function prepareQuery<R>(
  db: Kysely<Database>,
  slots: number,
  build: (db: Kysely<Database>, ...slots: string[]) => Compilable<R>,
): PreparedQuery<R> {
  let template: { compiled: CompiledQuery<R>; map: (number | { value: unknown })[] } | undefined
  return async (...values) => {
    if (template === undefined) {
      const names = Array.from({ length: slots }, (_, i) => slotName(i))
      const compiled = build(db, ...names).compile()
      const map = compiled.parameters.map((p) => {
        const slot = typeof p === 'string' ? names.indexOf(p) : -1
        return slot >= 0 ? slot : { value: p }
      })
      // A slot Kysely inlined into the SQL text would be run with its marker: refuse such a query at once.
      for (let i = 0; i < slots; i++)
        if (!map.includes(i)) throw new Error(`prepared query slot ${i} is not a parameter`)
      template = { compiled, map }
    }
    const { compiled, map } = template
    const parameters = map.map((m) => (typeof m === 'number' ? values[m] : m.value))
    const result = await db.executeQuery<R>({ ...compiled, parameters })
    return result.rows
  }
}
