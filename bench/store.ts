/**
 * Store benchmark: replay-store inserts/s and audit appends/s on each backend, measured in one run so the ratios
 * hold on a noisy shared machine. Run: node --conditions=openxaa-source --import tsx bench/store.ts
 * Writes bench/results/store.json and bench/results/store.md. `--seconds <s>` per cell (BENCH_SECONDS, default 2) and
 * `--out <dir>` let test/bench-store.test.ts run it in a blink without touching the published results.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openStore, type Store } from '@openxaa/store'
import pg from 'pg'

const { values: args } = parseArgs({ options: { seconds: { type: 'string' }, out: { type: 'string' } } })
const SECONDS = Number(args.seconds ?? process.env.BENCH_SECONDS ?? 2)
if (!(SECONDS > 0)) throw new TypeError('--seconds must be a positive number')
const PARALLEL = 16
const RESULTS = args.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results')
const KEK = randomBytes(32).toString('base64url')
const EXP = Math.floor(Date.now() / 1000) + 3600

interface Row {
  backend: string
  replaySerial: number
  replayParallel: number
  auditSerial: number
  auditParallel: number
}

/** Runs `op` for SECONDS with `lanes` callers in flight; returns completed operations per second. */
async function measure(lanes: number, op: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + SECONDS * 1000
  let done = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < end) {
        await op()
        done++
      }
    }),
  )
  return Math.round(done / ((performance.now() - start) / 1000))
}

async function run(backend: string, store: Store): Promise<Row> {
  const replay = () => store.replay.firstUse('https://idp.example', randomUUID(), EXP)
  const audit = () =>
    store.audit.append({
      actor: { type: 'client', id: 'bench-agent' },
      action: 'id_jag.redeem',
      decision: 'allow',
      clientId: 'bench-agent',
      audience: 'https://auth.chat.example',
      resource: 'https://mcp.chat.example/mcp',
      subject: 'alice',
      requestId: randomUUID(),
      data: { scope: 'chat.read chat.history' },
    })
  await measure(1, replay) // warm-up: JIT, statement caches, pool connections
  const row: Row = {
    backend,
    replaySerial: await measure(1, replay),
    replayParallel: await measure(PARALLEL, replay),
    auditSerial: await measure(1, audit),
    auditParallel: await measure(PARALLEL, audit),
  }
  console.log(`measured ${backend}`)
  return row
}

/** The server's URL, or why there is none: the report says so rather than silently showing two backends. */
async function postgresUrl(): Promise<{ url: string } | { unreachable: string }> {
  const url = process.env.OPENXAA_TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test'
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    return { url }
  } catch (err) {
    const where = new URL(url)
    const unreachable = `PostgreSQL server at ${where.hostname}:${where.port || 5432} unreachable (${(err as Error).message}): no postgres row in this run`
    console.log(unreachable)
    return { unreachable }
  } finally {
    await client.end().catch(() => {})
  }
}

async function main(): Promise<void> {
  // The machine is shared: the load when the run started says how much to trust absolute numbers.
  const load = loadavg()[0]?.toFixed(2) ?? '?'
  const rows: Row[] = []
  const notes: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-bench-'))
  try {
    const sqlite = await openStore({ url: `sqlite:${join(dir, 'bench.db')}`, keyEncryptionKey: KEK })
    rows.push(await run('sqlite (file, WAL, synchronous=FULL)', sqlite))
    await sqlite.close()

    const pglite = await openStore({ url: 'pglite:memory:', keyEncryptionKey: KEK })
    rows.push(await run('pglite (in-process, memory)', pglite))
    await pglite.close()

    const postgres = await postgresUrl()
    if ('url' in postgres) {
      const { url } = postgres
      const schema = `openxaa_bench_${randomBytes(4).toString('hex')}`
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      await admin.query(`create schema ${schema}`)
      try {
        const store = await openStore({ url, schema, keyEncryptionKey: KEK, maxConnections: PARALLEL })
        rows.push(await run('postgres (server, pool of 16)', store))
        await store.close()
      } finally {
        await admin.query(`drop schema ${schema} cascade`)
        await admin.end()
      }
    } else {
      notes.push(postgres.unreachable)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
  const md = [
    `# Store benchmark`,
    '',
    `Operations per second, ${SECONDS} s per cell, measured in one run on ${machine}, ${new Date().toISOString()}`,
    `(1-minute load average ${load} at the start: compare rows within this run, not across runs).`,
    `"1 caller" awaits each operation before the next; "${PARALLEL} callers" keeps ${PARALLEL} in flight.`,
    'Each replay insert is one atomic `insert … on conflict do nothing returning`; each audit append is one guarded',
    'insert. Every operation is committed before it is acknowledged (on SQLite, synchronous=FULL, concurrent',
    'operations share one group commit: one fsync of the WAL per group).',
    '',
    `| Backend | replay inserts/s, 1 caller | replay inserts/s, ${PARALLEL} callers | audit appends/s, 1 caller | audit appends/s, ${PARALLEL} callers |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.backend} | ${r.replaySerial} | ${r.replayParallel} | ${r.auditSerial} | ${r.auditParallel} |`,
    ),
    ...notes.flatMap((n) => ['', n]),
    '',
  ].join('\n')
  console.log(`\n${md}`)
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(
    join(RESULTS, 'store.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine, loadAverage: Number(load), secondsPerCell: SECONDS, parallel: PARALLEL, rows, notes }, null, 2)}\n`,
  )
  writeFileSync(join(RESULTS, 'store.md'), md)
}

await main()
