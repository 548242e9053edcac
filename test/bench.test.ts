// The benchmark suite cannot rot: its quick mode runs every section (ES256 limits, the floor, the oidc-provider peer, token
// exchange and redemption on SQLite and, when reachable, PostgreSQL, the MCP middleware, end to end) with tiny
// durations and must produce a complete report without a single failed request.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, expect, test } from 'vitest'
import type { BenchReport } from '../bench/lib/report.js'

const ROOT = join(import.meta.dirname, '..')
const out = mkdtempSync(join(tmpdir(), 'openxaa-bench-test-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: process.env.OPENXAA_TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test',
    connectionTimeoutMillis: 2000,
  })
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

test('npm run bench -- --quick: every section measures, nothing fails, the report is written', async () => {
  const backends = (await postgresReachable()) ? 'sqlite,postgres' : 'sqlite'
  const run = spawnSync(
    process.execPath,
    [
      'scripts/bench.mjs',
      '--quick',
      '--duration',
      '0.3',
      '--warmup',
      '0.1',
      '--expected-rate',
      '1500',
      '--backends',
      backends,
      '--out',
      out,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 170_000 },
  )
  expect(run.status, run.stderr.slice(-2000)).toBe(0)
  const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchReport
  expect(report.machine.cores).toBeGreaterThan(0)
  expect(report.machine.loadAverageEnd).toHaveLength(3)
  expect(report.crypto?.legLimitJose).toBeGreaterThan(0)
  expect(report.crypto?.legLimitNodeCrypto).toBeGreaterThan(0)
  expect(report.peer?.rps).toBeGreaterThan(0)
  expect(report.floor?.runs.map((r) => r.errors)).toEqual([0])
  expect(report.floor?.rps).toBeGreaterThan(0)
  const legs = report.legs.map((l) => `${l.leg} ${l.backend}`)
  for (const backend of backends.split(',')) {
    expect(legs).toContain(`token-exchange ${backend}`)
    expect(legs).toContain(`redemption ${backend}`)
  }
  for (const leg of report.legs) {
    expect(leg.errors, `${leg.leg} ${leg.backend}: ${leg.firstError}`).toBe(0)
    expect(leg.rps).toBeGreaterThan(0)
    expect(leg.rss).toBeGreaterThan(0)
    expect(leg.fractionOfJoseLimit).toBeGreaterThan(0)
    expect(leg.ratioToPeer).toBeGreaterThan(0)
    expect(leg.fractionOfFloor).toBeGreaterThan(0)
  }
  expect(report.mcp?.variants.map((v) => v.errors)).toEqual([0, 0])
  expect(report.mcp?.variants.every((v) => v.rps > 0)).toBe(true)
  expect(report.endToEnd?.runs.every((r) => r.length === 10)).toBe(true)
  expect(report.endToEnd?.tenthServer).toBeGreaterThan(0)
  const md = readFileSync(join(out, 'latest.md'), 'utf8')
  for (const heading of [
    '## The cryptographic limit',
    '## Token legs',
    '## Access-token verification',
    '## End to end',
  ]) {
    expect(md).toContain(heading)
  }
  expect(md).toContain('a p99 under 10 ms at 32 connections needs more than 3200 req/s')
}, 180_000)
