import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { PROTOCOL_ERROR_CODES } from '../src/index.js'

// docs/audit-events.md is what operators read to understand an audit row; it must name every code, and only those.
test('docs/audit-events.md lists every protocol code with its OAuth error, and nothing else', () => {
  const doc = readFileSync(new URL('../../../docs/audit-events.md', import.meta.url), 'utf8')
  const section = doc.slice(doc.indexOf('## Protocol codes'))
  const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` +\| `([a-z_]+)` +\|/gm)].map((m) => [m[1], m[2]])
  expect(Object.fromEntries(rows)).toEqual(PROTOCOL_ERROR_CODES)
  expect(rows.length).toBe(Object.keys(PROTOCOL_ERROR_CODES).length)
})
