/**
 * `npm run bench`: every leg of the cross-app access flow, each beside its references measured in the same run.
 *
 *   node --conditions=openxaa-source --import tsx bench/suite.ts [--quick] [--profile]
 *     [--only crypto,floor,peer,idp,as,mcp,e2e]
 *     [--backends sqlite,postgres] [--duration s] [--warmup s] [--concurrency n] [--out dir] [--baseline file]
 *
 * Writes `<out>/latest.json` and `<out>/latest.md` (out: bench/results); with `--profile`, `profile.{json,md}`
 * with the servers' top self-time functions instead. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  type LegResult,
  measureCrypto,
  measureEndToEnd,
  measureFloor,
  measureMcp,
  measurePeer,
  measureRedemption,
  measureTokenExchange,
  type Timing,
} from './lib/legs.js'
import { summarizeProfiles } from './lib/profile.js'
import { type BenchReport, legLimit, toMarkdown, withReferences } from './lib/report.js'
import { HAS_TASKSET, pinSelf } from './lib/server-process.js'

const SECTIONS = ['crypto', 'floor', 'peer', 'idp', 'as', 'mcp', 'e2e'] as const
const HERE = dirname(fileURLToPath(import.meta.url))

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    out: { type: 'string', default: join(HERE, 'results') },
    baseline: { type: 'string' },
    'expected-rate': { type: 'string' },
  },
})
const quick = values.quick === true
const only = new Set((values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()))
for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${s}`)
const backends = values.backends.split(',').map((b) => b.trim()) as ('sqlite' | 'postgres')[]
const timing: Timing = {
  duration: Number(values.duration ?? (quick ? 1 : 10)),
  warmup: Number(values.warmup ?? (quick ? 0.5 : 3)),
  concurrency: Number(values.concurrency),
}
const mcpTiming: Timing = { ...timing, duration: Math.max(0.3, timing.duration / 2) }
const mcpRounds = quick ? 2 : 4
const e2eRepetitions = quick ? 2 : 6
const cryptoSeconds = quick ? 0.3 : 2
// Enough pre-minted ID-JAGs for this many redemptions a second (each is single-use).
const expectedRate = Number(values['expected-rate'] ?? (quick ? 3000 : 7000))

async function main(): Promise<void> {
  const started = performance.now()
  const loadAverageStart = loadavg().map((n) => Math.round(n * 100) / 100)
  const pinned = pinSelf(1)
  const profileRoot = values.profile ? mkdtempSync(join(tmpdir(), 'openxaa-bench-profile-')) : undefined
  const legTiming = profileRoot === undefined ? timing : { ...timing, profileDir: profileRoot }
  const log = (message: string) =>
    console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`)

  const report: BenchReport = {
    date: new Date().toISOString(),
    durationSeconds: 0,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverageStart,
      loadAverageEnd: [],
      pinned: pinned && HAS_TASKSET,
    },
    settings: {
      concurrency: timing.concurrency,
      'seconds per leg': timing.duration,
      'warm-up seconds': timing.warmup,
      'MCP rounds': `${mcpRounds} × ${mcpTiming.duration} s per variant`,
      'end-to-end repetitions': e2eRepetitions,
      mode: quick ? 'quick (smoke run)' : values.profile ? 'profiled (--cpu-prof: rates are lower)' : 'full',
    },
    legs: [],
  }

  if (only.has('crypto')) {
    log('ES256 limits on one core')
    const c = await measureCrypto(cryptoSeconds)
    report.crypto = {
      ...c,
      legLimitJose: legLimit(c.joseSign, c.joseVerify),
      legLimitNodeCrypto: legLimit(c.nodeSign, c.nodeVerify),
    }
  }
  // The references that serve HTTP (floor, peer) are measured at the start and at the end: the machine drifts, and
  // the mean of both runs is the reference.
  const floorRuns: LegResult[] = []
  const peerRuns: LegResult[] = []
  const references = async () => {
    if (only.has('floor')) {
      log('floor (bare node:http, one verification and one signature per request)')
      floorRuns.push(await measureFloor(legTiming))
    }
    if (only.has('peer')) {
      log('peer (oidc-provider client_credentials)')
      peerRuns.push(await measurePeer(legTiming))
    }
  }
  await references()
  const legs: LegResult[] = []
  for (const backend of backends) {
    if (only.has('idp')) {
      log(`token exchange at the IdP on ${backend}`)
      legs.push(await measureTokenExchange(backend, legTiming))
    }
    if (only.has('as')) {
      log(`ID-JAG redemption at the resource AS on ${backend}`)
      legs.push(await measureRedemption(backend, legTiming, expectedRate))
    }
  }
  if (!quick && legs.length > 0) await references()
  const mean = (runs: LegResult[]) => Math.round(runs.reduce((n, r) => n + r.rps, 0) / runs.length)
  if (floorRuns.length > 0) report.floor = { rps: mean(floorRuns), runs: floorRuns }
  if (peerRuns.length > 0) report.peer = { rps: mean(peerRuns), runs: peerRuns }
  report.legs = legs.map((l) => withReferences(l, report))

  if (only.has('mcp')) {
    log('MCP tool calls with and without the middleware')
    const mcp = await measureMcp(mcpTiming, mcpRounds)
    const [bare, guarded] = mcp.variants as [(typeof mcp.variants)[0], (typeof mcp.variants)[0]]
    report.mcp = {
      ...mcp,
      addedCpuMicrosPerCall: guarded.cpuMicrosPerCall - bare.cpuMicrosPerCall,
      ratio: Math.round((guarded.rps / bare.rps) * 1000) / 1000,
    }
  }
  if (only.has('e2e')) {
    log('end to end: first call to ten new MCP servers')
    report.endToEnd = await measureEndToEnd(e2eRepetitions)
  }

  if (profileRoot !== undefined) {
    report.profiles = {}
    for (const leg of [...floorRuns, ...peerRuns, ...legs]) {
      report.profiles[`${leg.leg} ${leg.backend}`] = summarizeProfiles(join(profileRoot, `${leg.leg}-${leg.backend}`))
    }
    if (process.env.OPENXAA_BENCH_KEEP_PROFILES === undefined) rmSync(profileRoot, { recursive: true, force: true })
  }
  report.machine.loadAverageEnd = loadavg().map((n) => Math.round(n * 100) / 100)
  report.durationSeconds = Math.round((performance.now() - started) / 1000)

  const baselinePath = values.baseline ?? (quick ? undefined : join(HERE, 'results', 'baseline.json'))
  let baseline: BenchReport | undefined
  try {
    baseline = baselinePath === undefined ? undefined : (JSON.parse(readFileSync(baselinePath, 'utf8')) as BenchReport)
  } catch {
    baseline = undefined
  }
  const md = toMarkdown(report, baseline)
  const name = profileRoot === undefined ? 'latest' : 'profile'
  mkdirSync(values.out, { recursive: true })
  writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(join(values.out, `${name}.md`), md)
  console.log(`\n${md}`)
  log(`wrote ${join(values.out, `${name}.{json,md}`)}`)
}

await main()
