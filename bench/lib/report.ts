/**
 * Turns one run's figures into `latest.json` and `latest.md`: every leg beside its references (the cryptographic
 * limit measured in the same run, the floor and the peer), and, when a baseline run is given, before → after.
 */
import type { CryptoLimits } from '../servers/crypto.js'
import type { EndToEnd, LegResult, McpVariant } from './legs.js'
import type { ProfileSummary } from './profile.js'

/** The machine the run was measured on. */
export interface Machine {
  cpu: string
  cores: number
  node: string
  platform: string
  loadAverageStart: number[]
  loadAverageEnd: number[]
  /** Servers pinned to CPU 0 and the load generator to CPU 1 (taskset). */
  pinned: boolean
}

/** A token leg with its references. */
export interface LegWithReferences extends LegResult {
  /** rps / (1 / (1/sign + 1/verify)) with the jose rates; for the peer, rps / jose sign rate (it only signs). */
  fractionOfJoseLimit: number
  fractionOfNodeCryptoLimit: number
  /** rps / the floor's rate: bare node:http with one verification and one signature per request (`floor.ts`). */
  fractionOfFloor: number
  ratioToPeer: number
}

/** Everything one run measured. */
export interface BenchReport {
  date: string
  durationSeconds: number
  machine: Machine
  settings: Record<string, unknown>
  crypto?: CryptoLimits & { legLimitJose: number; legLimitNodeCrypto: number }
  /** The floor's rate (the median of its rounds) and its run. */
  floor?: { rps: number; runs: LegResult[] }
  /** The peer's rate (the median of its rounds) and its run. */
  peer?: { rps: number; runs: LegResult[] }
  legs: LegWithReferences[]
  mcp?: { variants: McpVariant[]; rss: number; addedCpuMicrosPerCall: number; ratio: number }
  endToEnd?: EndToEnd
  profiles?: Record<string, ProfileSummary>
}

/** Best possible rate of a leg that does one verification and one signature per request. */
export function legLimit(sign: number, verify: number): number {
  return Math.round(1 / (1 / sign + 1 / verify))
}

/**
 * `leg` against a reference measured in the same rounds: the median of the per-round ratios (both ran in every
 * round, minutes apart at most, so a drift of the machine cancels out); rps over rps otherwise.
 */
function ratioTo(leg: LegResult, reference: { rps: number; runs: LegResult[] } | undefined): number {
  if (reference === undefined) return Number.NaN
  const rounds = reference.runs.length === 1 ? reference.runs[0]!.roundsRps : undefined
  if (rounds === undefined || leg.roundsRps === undefined || rounds.length !== leg.roundsRps.length) {
    return leg.rps / reference.rps
  }
  const ratios = leg.roundsRps.map((rps, i) => rps / rounds[i]!).sort((a, b) => a - b)
  const mid = Math.floor(ratios.length / 2)
  return ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2
}

/** Adds the fractions and ratios to each leg (the floor and the peer too), from the references of `report`. */
export function withReferences(
  leg: LegResult,
  report: Pick<BenchReport, 'crypto' | 'floor' | 'peer'>,
): LegWithReferences {
  const { crypto } = report
  const signOnly = leg.leg === 'peer'
  const jose = crypto === undefined ? Number.NaN : signOnly ? crypto.joseSign : crypto.legLimitJose
  const node = crypto === undefined ? Number.NaN : signOnly ? crypto.nodeSign : crypto.legLimitNodeCrypto
  const r3 = (n: number) => Math.round(n * 1000) / 1000
  return {
    ...leg,
    fractionOfJoseLimit: r3(leg.rps / jose),
    fractionOfNodeCryptoLimit: r3(leg.rps / node),
    fractionOfFloor: r3(ratioTo(leg, report.floor)),
    ratioToPeer: r3(ratioTo(leg, report.peer)),
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)}`
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 1000) / 10} %` : 'n/a')
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a')
const LEG_NAMES: Record<string, string> = {
  'token-exchange': 'Token exchange at the IdP (ID token → ID-JAG)',
  redemption: 'ID-JAG redemption at the resource AS (ID-JAG → access token)',
  peer: 'Peer: stock oidc-provider client_credentials → JWT access token',
  floor: 'Floor: bare node:http, 1 verification + 1 signature (node:crypto), nothing else',
}

function legRows(report: BenchReport): string[] {
  const rows = [
    ...(report.floor?.runs ?? []).map((r) => withReferences(r, report)),
    ...(report.peer?.runs ?? []).map((r) => withReferences(r, report)),
    ...report.legs,
  ]
  return rows.map(
    (l) =>
      `| ${LEG_NAMES[l.leg] ?? l.leg} | ${l.backend} | **${l.rps}** | ${(l.roundsRps ?? []).join(', ')} | ${l.latency.p50} | ${l.latency.p99} | ${pct(l.fractionOfJoseLimit)} | ${pct(l.fractionOfNodeCryptoLimit)} | ${pct(l.fractionOfFloor)} | ${ratio(l.ratioToPeer)} | ${l.cpuMicrosPerRequest} | ${mb(l.rss)} | ${l.errors}${l.note ? ` (${l.note})` : ''} |`,
  )
}

/** Key figures of a report, by name, for before → after. */
export function keyFigures(report: BenchReport): Record<string, number> {
  const out: Record<string, number> = {}
  if (report.floor) out['floor req/s'] = report.floor.rps
  if (report.peer) out['peer req/s'] = report.peer.rps
  for (const l of report.legs) {
    out[`${l.leg} ${l.backend} req/s`] = l.rps
    out[`${l.leg} ${l.backend} p99 ms`] = l.latency.p99
    out[`${l.leg} ${l.backend} fraction of jose limit`] = l.fractionOfJoseLimit
    if (Number.isFinite(l.fractionOfFloor)) out[`${l.leg} ${l.backend} fraction of floor`] = l.fractionOfFloor
    out[`${l.leg} ${l.backend} ratio to peer`] = l.ratioToPeer
  }
  for (const v of report.mcp?.variants ?? []) out[`MCP tool calls/s ${v.variant}`] = v.rps
  if (report.endToEnd) {
    out['end to end first server ms'] = report.endToEnd.firstServer
    out['end to end tenth server ms'] = report.endToEnd.tenthServer
  }
  return out
}

function profileSection(name: string, p: ProfileSummary): string[] {
  return [
    `### Profile: ${name} (server process, ${p.busyMs} ms busy, ${p.idleMs} ms idle)`,
    '',
    '| Self time by package | share of busy time |',
    '|---|---:|',
    ...p.packages.slice(0, 8).map((r) => `| ${r.name} | ${r.share} % |`),
    '',
    '| Top self-time functions | share | ms |',
    '|---|---:|---:|',
    ...p.functions.slice(0, 12).map((r) => `| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.share} % | ${r.ms} |`),
    '',
  ]
}

/** The markdown page. */
export function toMarkdown(report: BenchReport, baseline?: BenchReport): string {
  const m = report.machine
  const lines = [
    '# OpenXAA benchmarks',
    '',
    `Measured ${report.date} in ${report.durationSeconds} s on ${m.cores} × ${m.cpu}, Node ${m.node} (${m.platform}).`,
    `Load average (1, 5, 15 min) at the start ${m.loadAverageStart.join(', ')}, at the end ${m.loadAverageEnd.join(', ')}: this machine is shared, so compare figures within one run.`,
    m.pinned
      ? 'Each server runs in its own process pinned to CPU 0 (`taskset -c 0`); the load generator runs on CPU 1. PostgreSQL runs unpinned on the same machine.'
      : 'taskset was not available: processes are not pinned.',
    `Settings: ${Object.entries(report.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  ]
  if (report.crypto) {
    const c = report.crypto
    lines.push(
      '## The cryptographic limit (ES256, one core)',
      '',
      '| | jose | node:crypto (KeyObject, ieee-p1363) |',
      '|---|---:|---:|',
      `| signatures/s | ${c.joseSign} | ${c.nodeSign} |`,
      `| verifications/s | ${c.joseVerify} | ${c.nodeVerify} |`,
      `| best possible token leg (1 verify + 1 sign per request) req/s | **${c.legLimitJose}** | **${c.legLimitNodeCrypto}** |`,
      '',
    )
  }
  if (report.legs.length > 0 || report.peer || report.floor) {
    const concurrency = Number(report.settings.concurrency)
    lines.push(
      `## Token legs at ${concurrency} connections`,
      '',
      '| Leg | Backend | req/s | rounds req/s | p50 ms | p99 ms | of jose limit | of node:crypto limit | of floor | vs peer | server CPU µs/req | server RSS MB | errors |',
      '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...legRows(report),
      '',
      `Every server here ran in each of ${report.floor?.runs[0]?.roundsRps?.length ?? report.legs[0]?.roundsRps?.length ?? 1} rounds, one after the other, the order rotated each round. req/s is the median round; p50 and p99 are those of the median round; "of floor" and "vs peer" are medians of the per-round ratios. The peer only signs (no verification), so its limit is the signature rate; each leg verifies and signs.`,
      '',
    )
    if (report.floor) {
      // Closed loop: mean latency = connections / rate, so a p99 under 10 ms needs at least connections / 10 ms.
      const needed = Math.round(concurrency / 0.01)
      const floorP99 = report.floor.runs[0]!.latency.p99
      lines.push(
        `The floor is a bare \`node:http\` server doing one ES256 verification and one signature per request and nothing else (no client authentication, policy, storage or audit): no real token endpoint can be faster on this core. Its own p99 at ${concurrency} connections is ${floorP99} ms${floorP99 > 10 ? ': on this core no token endpoint reaches a p99 under 10 ms at this concurrency' : ''}. In a closed loop the mean latency is connections / rate, so a p99 under 10 ms at ${concurrency} connections needs more than ${needed} req/s, ${ratio(needed / report.floor.rps)} the floor's ${report.floor.rps} req/s here.`,
        '',
      )
    }
  }
  if (report.mcp) {
    lines.push(
      '## Access-token verification in the MCP middleware',
      '',
      '| Variant | tool calls/s | rounds | p50 ms | p99 ms | server CPU µs/call | errors |',
      '|---|---:|---|---:|---:|---:|---:|',
      ...report.mcp.variants.map(
        (v) =>
          `| ${v.variant} | **${v.rps}** | ${v.roundsRps.join(', ')} | ${v.latency.p50} | ${v.latency.p99} | ${v.cpuMicrosPerCall} | ${v.errors} |`,
      ),
      '',
      `With the middleware: ${pct(report.mcp.ratio)} of the calls per second, ${report.mcp.addedCpuMicrosPerCall} µs more server CPU per call (one ES256 verification is ${report.crypto ? Math.round(1e6 / report.crypto.joseVerify) : '?'} µs with jose). Server RSS ${mb(report.mcp.rss)} MB.`,
      '',
    )
  }
  if (report.endToEnd) {
    const e = report.endToEnd
    lines.push(
      '## End to end: a signed-in client reaches a new MCP server',
      '',
      `From \`connect\` to the tool result (401 → PRM → AS metadata → token exchange at the IdP → ID-JAG redemption → tool call). Setup: ${e.setup}; ${e.repetitions} repetitions with a fresh client each (medians; the first repetition, with cold server caches, is left out of the medians).`,
      '',
      '| | ms |',
      '|---|---:|',
      `| first server (client has seen no server, no AS metadata) | **${e.firstServer}** |`,
      `| tenth server (nine already connected, same AS) | **${e.tenthServer}** |`,
      `| very first call of the run (server caches cold too) | ${e.coldFirstServer} |`,
      `| later call to a connected server (token cached, new MCP session) | ${e.cachedCall} |`,
      '',
      `All calls (ms), one row per repetition: ${e.runs.map((r) => r.join(' / ')).join('; ')}.`,
      '',
    )
  }
  if (baseline) {
    const before = keyFigures(baseline)
    const after = keyFigures(report)
    const names = Object.keys(after).filter((k) => before[k] !== undefined)
    if (names.length > 0) {
      lines.push(
        `## Before → after the optimizations (baseline measured ${baseline.date}, load ${baseline.machine.loadAverageStart[0]})`,
        '',
        '| Figure | before | after |',
        '|---|---:|---:|',
        ...names.map((k) => `| ${k} | ${before[k]} | ${after[k]} |`),
        '',
      )
    }
  }
  for (const [name, p] of Object.entries(report.profiles ?? {})) lines.push(...profileSection(name, p))
  return `${lines.join('\n')}\n`
}
