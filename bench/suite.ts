/**
 * `npm run bench`: every leg of the cross-app access flow, each beside its references measured in the same run.
 *
 *   node --conditions=openxaa-source --import tsx bench/suite.ts [--quick] [--profile]
 *     [--only crypto,floor,peer,idp,as,mcp,e2e] [--backends sqlite,postgres] [--rounds n] [--duration s] [--warmup s]
 *     [--concurrency n] [--out dir] [--baseline file]
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
  measureLegs,
  measureMcp,
  prepareFloor,
  preparePeer,
  prepareRedemption,
  prepareTokenExchange,
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
    rounds: { type: 'string' },
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
// Token legs and their references run in rounds (`measureLegs`); `duration` is the length of one round.
const rounds = Number(values.rounds ?? (quick ? 1 : 4))
const timing: Timing = {
  duration: Number(values.duration ?? (quick ? 1 : 3)),
  warmup: Number(values.warmup ?? (quick ? 0.5 : 5)),
  concurrency: Number(values.concurrency),
}
const mcpTiming: Timing = { ...timing, duration: Math.max(0.3, quick ? timing.duration / 2 : 5) }
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
      'rounds per token leg': `${rounds} × ${timing.duration} s`,
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
  // The token legs and the references that serve HTTP (floor, peer) are all started, then loaded in rounds, one after
  // the other, the order rotated each round: the machine is shared and drifts, and a drift then reaches them alike.
  const prepared: Parameters<typeof measureLegs>[0] = []
  const legs: LegResult[] = []
  const count = Math.ceil(expectedRate * (timing.warmup + rounds * timing.duration)) + 200
  try {
    if (only.has('floor')) {
      log('starting the floor (bare node:http, one verification and one signature per request)')
      prepared.push(await prepareFloor(timing.concurrency))
    }
    if (only.has('peer')) {
      log('starting the peer (oidc-provider client_credentials)')
      prepared.push(await preparePeer(timing.concurrency))
    }
    for (const backend of backends) {
      if (only.has('idp')) {
        log(`starting the IdP on ${backend} (token exchange)`)
        prepared.push(await prepareTokenExchange(backend, timing.concurrency))
      }
      if (only.has('as')) {
        log(`starting the resource AS on ${backend} (ID-JAG redemption; minting ${count} ID-JAGs)`)
        prepared.push(await prepareRedemption(backend, timing.concurrency, count))
      }
    }
    if (prepared.length > 0) {
      log(`${rounds} rounds of ${timing.duration} s for each of ${prepared.length} servers`)
    }
    const measured = prepared.length === 0 ? [] : await measureLegs(prepared, legTiming, rounds)
    const reference = (leg: string) => {
      const runs = measured.filter((l) => l.leg === leg)
      return runs.length === 0 ? undefined : { rps: runs[0]!.rps, runs }
    }
    const floor = reference('floor')
    const peer = reference('peer')
    if (floor !== undefined) report.floor = floor
    if (peer !== undefined) report.peer = peer
    legs.push(...measured.filter((l) => l.leg !== 'floor' && l.leg !== 'peer'))
  } finally {
    for (const p of prepared) await p.close()
  }
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
    for (const leg of [...(report.floor?.runs ?? []), ...(report.peer?.runs ?? []), ...legs]) {
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
