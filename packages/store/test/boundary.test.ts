import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'

const SRC = join(import.meta.dirname, '..', 'src')
const ALLOWED = /^(?:node:|\.{1,2}\/|kysely$|better-sqlite3$|pg$|@electric-sql\/pglite$|@openxaa\/protocol$)/

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

// architecture.md: protocol <- store <- servers; nothing imports upward.
describe('layering', () => {
  test('store imports only the database drivers, Node, and protocol (types), never a server', () => {
    for (const file of files(SRC)) {
      const text = readFileSync(file, 'utf8')
      for (const [, spec] of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).toMatch(ALLOWED)
      }
      for (const [line] of text.matchAll(/^import .*'@openxaa\/protocol'.*$/gm)) {
        expect(line, `${file}: protocol is imported for types only`).toMatch(/^import type /)
      }
    }
  })

  test('the public index is named re-exports only and never reaches src/internal', () => {
    const index = readFileSync(join(SRC, 'index.ts'), 'utf8')
    expect(index).not.toMatch(/^export \*/m)
    expect(index).not.toMatch(/from '\.\/internal/)
  })
})
