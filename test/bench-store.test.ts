// The store benchmark cannot rot: run with tiny cells into a temp directory, it must report replay inserts/s and
// audit appends/s on SQLite, PGlite and the PostgreSQL server, all in the one run, or say that the server was away.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { realPostgresUrl } from '../packages/store/test/backends.js'

const ROOT = join(import.meta.dirname, '..')
const out = mkdtempSync(join(tmpdir(), 'openxaa-bench-store-test-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

interface StoreReport {
  secondsPerCell: number
  rows: { backend: string; replaySerial: number; replayParallel: number; auditSerial: number; auditParallel: number }[]
  notes: string[]
}

test('bench/store.ts: replay inserts/s and audit appends/s on every backend, in one run', async () => {
  // Under CI (or with OPENXAA_TEST_POSTGRES_URL) this throws when the server is away, as the store suite does.
  const postgres = await realPostgresUrl()
  const run = spawnSync(
    process.execPath,
    ['--conditions=openxaa-source', '--import', 'tsx', 'bench/store.ts', '--seconds', '0.1', '--out', out],
    { cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  )
  expect(run.status, run.stderr.slice(-2000)).toBe(0)
  const report = JSON.parse(readFileSync(join(out, 'store.json'), 'utf8')) as StoreReport
  expect(report.secondsPerCell).toBe(0.1)
  expect(report.rows.map((r) => r.backend.split(' ')[0])).toEqual(
    postgres ? ['sqlite', 'pglite', 'postgres'] : ['sqlite', 'pglite'],
  )
  for (const row of report.rows) {
    for (const rate of [row.replaySerial, row.replayParallel, row.auditSerial, row.auditParallel]) {
      expect(rate, row.backend).toBeGreaterThan(0)
    }
  }
  const md = readFileSync(join(out, 'store.md'), 'utf8')
  expect(md).toContain('| Backend | replay inserts/s, 1 caller | replay inserts/s, 16 callers | audit appends/s')
  if (postgres) expect(report.notes).toEqual([])
  else expect(md).toMatch(/PostgreSQL server at .* unreachable .*: no postgres row in this run/)
}, 120_000)
