/**
 * The fuzzer: the whole demo (IdP, two resource ASes, two MCP servers) on loopback, then N hostile requests to every
 * public endpoint (token endpoints, metadata, JWKS, introspection, revocation, admin APIs with and without a key,
 * the MCP middleware). Counts 5xx answers (must be 0), hangs (no answer within 10 s), stack traces in bodies, and
 * the process's memory before and after.
 *
 *   node --conditions=openxaa-source --import tsx test/fuzz/fuzz.ts [--inputs 5000] [--seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDemo } from '@openxaa/example-demo'
import { operations } from '@openxaa/idp'
import { type FuzzRequest, generators, prng } from './inputs.js'

/** What a run found. */
export interface FuzzReport {
  inputs: number
  seed: number
  byStatus: Record<string, number>
  serverErrors: number
  hangs: number
  stackTraces: number
  /** The first few offending requests: server, method, path, kind, status. */
  examples: string[]
  rssStartMb: number
  rssEndMb: number
  /** V8 heap in use after a GC (run with --expose-gc), the measure that shows a leak. */
  heapStartMb: number
  heapEndMb: number
  seconds: number
}

const STACK = /\n\s+at \S+ \(|node:internal|\.[tj]s:\d+:\d+|\bat async\b/

const PATHS = {
  idp: [
    '/token',
    '/token/exchange',
    '/.well-known/openid-configuration',
    '/jwks',
    '/auth',
    '/device/auth',
    '/token/introspection',
    '/token/revocation',
    '/interaction/x',
    '/admin/api/users',
    '/admin/api/groups',
    '/admin/api/clients',
    '/admin/api/connections',
    '/admin/api/applications',
    '/admin/api/keys/rotate',
    '/admin/api/audit',
    '/healthz',
    '/readyz',
    '/metrics',
  ],
  as: [
    '/token',
    '/introspect',
    '/revoke',
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
    '/jwks',
    '/authorize',
    '/admin/api/organizations',
    '/admin/api/organizations/acme/trusts',
    '/admin/api/trusts',
    '/admin/api/clients',
    '/admin/api/resources',
    '/admin/api/api-keys',
    '/admin/api/audit',
    '/console/sign-in',
  ],
  mcp: ['/mcp', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'],
} as const

/** Runs the fuzzer against a fresh demo; the servers run in this process, so memory is this process's. */
export async function runFuzz(options: { inputs: number; seed?: number; concurrency?: number }): Promise<FuzzReport> {
  const seed = options.seed ?? 1
  const random = prng(seed)
  const g = generators(random)
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-fuzz-'))
  const demo = await startDemo(
    {
      ports: { idp: 0, notesAs: 0, notesMcp: 0, tasksAs: 0, tasksMcp: 0 },
      dataDir,
      databaseUrl: undefined,
      schemaPrefix: 'fuzz',
      reset: false,
    },
    {
      passwordHashCost: 12,
      rateLimitPerMinute: false,
      rateLimitPerClientPerMinute: false,
      idpLogger: { info() {}, warn() {}, error() {} },
    },
  )
  const idpKey = (await operations.createApiKey(demo.idpAdmin, 'fuzz')).key
  const asKey = (await demo.stores.notes_as.authServer.apiKeys.create('fuzz')).key
  const servers = [
    { name: 'idp', base: demo.urls.idp, paths: PATHS.idp, key: idpKey },
    { name: 'notes-as', base: demo.urls.notesAs, paths: PATHS.as, key: asKey },
    { name: 'notes-mcp', base: demo.urls.notesMcp.replace(/\/mcp$/, ''), paths: PATHS.mcp, key: undefined },
  ]
  const report: FuzzReport = {
    inputs: 0,
    seed,
    byStatus: {},
    serverErrors: 0,
    hangs: 0,
    stackTraces: 0,
    examples: [],
    rssStartMb: 0,
    rssEndMb: 0,
    heapStartMb: 0,
    heapEndMb: 0,
    seconds: 0,
  }
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  report.rssStartMb = Math.round(process.memoryUsage().rss / 1048576)
  report.heapStartMb = Math.round(process.memoryUsage().heapUsed / 1048576)
  const started = performance.now()

  const one = async (): Promise<void> => {
    const server = g.pick(servers)
    const { body, kind } = g.body()
    const request: FuzzRequest = {
      path: g.pick(server.paths) + (random() < 0.1 ? `?${g.value().slice(0, 200)}` : ''),
      method: g.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
      headers: {},
      kind,
    }
    const type = g.contentType()
    if (type !== '') request.headers['content-type'] = type
    const auth = random() < 0.3 && server.key !== undefined ? `Bearer ${server.key}` : g.authorization()
    if (auth !== undefined) request.headers.authorization = auth
    if (random() < 0.1) request.headers['mcp-protocol-version'] = g.value().slice(0, 40)
    const withBody = request.method !== 'GET' && body !== undefined
    let status = 'hang'
    try {
      const res = await fetch(`${server.base}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(withBody ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      })
      status = String(res.status)
      const text = (await res.text()).slice(0, 65_536)
      if (STACK.test(text)) {
        report.stackTraces++
        report.examples.push(`stack: ${server.name} ${request.method} ${request.path.slice(0, 60)} ${kind}`)
      }
    } catch (err) {
      // fetch refuses some headers itself (a non-Latin-1 value): such a request never left, it is not a finding.
      const name = (err as Error).name
      status =
        name === 'TimeoutError' ? 'hang' : name === 'TypeError' && !(err as Error).cause ? 'not-sent' : 'network-error'
      if (status === 'network-error' && report.examples.length < 20)
        report.examples.push(
          `network: ${server.name} ${request.method} ${request.path.slice(0, 60)} ${kind} ${String((err as Error).cause)}`,
        )
    }
    report.inputs++
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1
    if (status === 'hang') report.hangs++
    if (/^5/.test(status)) {
      report.serverErrors++
      if (report.examples.length < 20)
        report.examples.push(
          `${status}: ${server.name} ${request.method} ${request.path.slice(0, 80)} ${kind} ${JSON.stringify(request.headers).slice(0, 200)}`,
        )
    }
  }
  try {
    let next = 0
    const worker = async () => {
      while (next++ < options.inputs) await one()
    }
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  } finally {
    report.seconds = Math.round((performance.now() - started) / 100) / 10
    gc?.()
    report.rssEndMb = Math.round(process.memoryUsage().rss / 1048576)
    report.heapEndMb = Math.round(process.memoryUsage().heapUsed / 1048576)
    await demo.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return report
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`)
    return i === -1 ? fallback : Number(process.argv[i + 1])
  }
  if (process.argv.includes('--help')) {
    console.log(
      'usage: node --conditions=openxaa-source --import tsx test/fuzz/fuzz.ts [--inputs N] [--seed S] [--concurrency C]',
    )
    process.exit(0)
  }
  const report = await runFuzz({
    inputs: arg('inputs', 5000),
    seed: arg('seed', 1),
    concurrency: arg('concurrency', 4),
  })
  console.log(JSON.stringify(report, null, 2))
  process.exitCode = report.serverErrors + report.hangs + report.stackTraces === 0 ? 0 : 1
}
