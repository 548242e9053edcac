// Cost of the resource-server middleware per MCP tool call, measured in one run.
//
//   node --conditions=openxaa-source --import tsx bench/mcp-middleware.ts [--duration 5] [--rounds 3] [--concurrency 16]
//
// A child process serves the same MCP SDK v2 server (Streamable HTTP on Hono) twice: once bare (a fixed AuthInfo is
// handed to the handler) and once behind requireAuth (RFC 9068 JWT, ES256, per-tool scopes). The parent drives
// tools/call over keep-alive loopback connections at fixed concurrency, alternating the two servers round by round
// so machine noise hits both alike, and reports calls per second, latency and the server's CPU time per call (robust
// on a shared machine). It also times the verification step alone (authenticateMcpRequest on a Request, in-process). Results go to bench/results/mcp-middleware.{json,md}.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

interface Ready {
  bare: number
  guarded: number
  token: string
  verifyMicros: number
  verifyOps: number
}

const HERE = dirname(fileURLToPath(import.meta.url))
const TOOL_CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'notes.list', arguments: {} },
})

// ---------------------------------------------------------------------------------------------------------------
// Child: the servers under test.

function cpuMicros(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

async function serve(): Promise<void> {
  const { getRequestListener } = await import('@hono/node-server')
  const { createMcpHandler, McpServer } = await import('@modelcontextprotocol/server')
  const { mintAccessToken } = await import('@openxaa/protocol')
  const { createResourceServer, authenticateMcpRequest } = await import('@openxaa/resource-server')
  const { requireAuth } = await import('@openxaa/resource-server/hono')
  const { Hono } = await import('hono')
  const { exportJWK, generateKeyPair } = await import('jose')

  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }
  const issuer = 'https://as.bench.example'
  const listen = async (handler: Parameters<typeof getRequestListener>[0]) => {
    const server = createServer(getRequestListener(handler))
    server.keepAliveTimeout = 60_000
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }
  // The same server code for both: a tool that reads who is calling and answers.
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'bench', version: '1.0.0' })
    server.registerTool('notes.list', { description: 'List notes' }, async (ctx) => ({
      content: [{ type: 'text', text: JSON.stringify({ owner: ctx.http?.authInfo?.extra?.subject, notes: [] }) }],
    }))
    return server
  })
  const toolScopes = { 'notes.list': ['notes.read'] }

  // Ports are known only after listening, and the resource identifier names the port: listen, then build.
  const bareApp = new Hono()
  const fixed = { token: 'none', clientId: 'bench', scopes: ['notes.read'], extra: { subject: 'alice' } }
  bareApp.all('/mcp', (c) => mcp.fetch(c.req.raw, { authInfo: fixed }))
  const bare = await listen(bareApp.fetch)

  let guardedFetch: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 })
  const guarded = await listen((r) => guardedFetch(r))
  const resource = `http://127.0.0.1:${guarded}/mcp`
  const rs = createResourceServer({
    resource,
    authorizationServers: [issuer],
    scopesSupported: ['notes.read', 'notes.write'],
    verifier: { type: 'jwt', issuer, keys: { keys: [jwk] } },
  })
  const app = new Hono<import('@openxaa/resource-server/hono').AuthEnv>()
  app.all('/mcp', requireAuth(rs, { toolScopes }), (c) => mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }))
  guardedFetch = app.fetch

  const token = await mintAccessToken(
    { iss: issuer, sub: 'alice', aud: resource, client_id: 'bench-client', scope: 'notes.read', tenant: 'acme' },
    { kid: 'bench', alg: 'ES256', privateKey },
    { lifetime: 3600 },
  )

  // Verification alone: authenticateMcpRequest on a Request (header parse, body scan for the tool, ES256 verify).
  const make = () =>
    new Request(resource, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: TOOL_CALL,
    })
  for (let i = 0; i < 2_000; i++) await authenticateMcpRequest(rs, make(), { toolScopes })
  const verifyOps = 20_000
  // CPU time, not wall time: other processes on a shared machine do not count against us.
  const started = cpuMicros()
  for (let i = 0; i < verifyOps; i++) {
    const verdict = await authenticateMcpRequest(rs, make(), { toolScopes })
    if (!verdict.ok) throw new Error(`verification failed: ${verdict.error.code}`)
  }
  const verifyMicros = (cpuMicros() - started) / verifyOps

  process.on('message', (m) => {
    if (m === 'cpu') process.send!({ cpu: cpuMicros() })
  })
  process.send!({ bare, guarded, token, verifyMicros, verifyOps } satisfies Ready)
}

// ---------------------------------------------------------------------------------------------------------------
// Parent: the load.

interface Round {
  variant: 'without middleware' | 'with middleware'
  calls: number
  errors: number
  seconds: number
  latencies: number[]
  /** Server process CPU time (user + system) spent in the round, µs. */
  serverCpu: number
}

function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { cpu: number }).cpu))
    child.send('cpu')
  })
}

function call(agent: Agent, port: number, token: string | undefined): Promise<{ ok: boolean; ms: number }> {
  const start = performance.now()
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': String(Buffer.byteLength(TOOL_CALL)),
    }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    const req = request({ agent, host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        body += chunk
      })
      res.on('end', () => {
        const ok = res.statusCode === 200 && body.includes('"owner\\":\\"alice\\"')
        resolve({ ok, ms: performance.now() - start })
      })
    })
    req.on('error', () => resolve({ ok: false, ms: performance.now() - start }))
    req.end(TOOL_CALL)
  })
}

async function load(
  child: ChildProcess,
  variant: Round['variant'],
  port: number,
  token: string | undefined,
  concurrency: number,
  seconds: number,
): Promise<Round> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const latencies: number[] = []
  let errors = 0
  const end = performance.now() + seconds * 1000
  const worker = async () => {
    while (performance.now() < end) {
      const { ok, ms } = await call(agent, port, token)
      if (ok) latencies.push(ms)
      else errors++
    }
  }
  const cpuBefore = await serverCpu(child)
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  const cpuAfter = await serverCpu(child)
  agent.destroy()
  return { variant, calls: latencies.length, errors, seconds: elapsed, latencies, serverCpu: cpuAfter - cpuBefore }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '6' },
      concurrency: { type: 'string', default: '16' },
      warmup: { type: 'string', default: '2' },
    },
  })
  const seconds = Number(values.duration)
  const rounds = Number(values.rounds)
  const concurrency = Number(values.concurrency)

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready))
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)))
  })
  try {
    console.log(
      `verification alone: ${ready.verifyMicros.toFixed(1)} µs CPU per request (${ready.verifyOps} in-process)`,
    )
    const plan = [
      ['without middleware', ready.bare, undefined],
      ['with middleware', ready.guarded, ready.token],
    ] as const
    for (const [variant, port, token] of plan)
      await load(child, variant, port, token, concurrency, Number(values.warmup))
    const results: Round[] = []
    for (let r = 0; r < rounds; r++) {
      // Alternate which variant goes first, so drift in machine load does not favour one.
      const order = r % 2 === 0 ? plan : [...plan].reverse()
      for (const [variant, port, token] of order) {
        const round = await load(child, variant, port, token, concurrency, seconds)
        const cpu = (round.serverCpu / round.calls).toFixed(0)
        console.log(
          `round ${r + 1} ${variant}: ${(round.calls / round.seconds).toFixed(0)} calls/s, ${cpu} µs server CPU/call`,
        )
        results.push(round)
      }
    }
    report(results, ready, { seconds, rounds, concurrency })
  } finally {
    child.kill()
  }
}

function report(
  results: Round[],
  ready: Ready,
  config: { seconds: number; rounds: number; concurrency: number },
): void {
  const summary = (['without middleware', 'with middleware'] as const).map((variant) => {
    const rounds = results.filter((r) => r.variant === variant)
    const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b)
    return {
      variant,
      callsPerSecond: Math.round(median(rounds.map((r) => r.calls / r.seconds))),
      callsPerSecondByRound: rounds.map((r) => Math.round(r.calls / r.seconds)),
      calls: rounds.reduce((n, r) => n + r.calls, 0),
      errors: rounds.reduce((n, r) => n + r.errors, 0),
      p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
      p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
      serverCpuMicrosPerCall: Math.round(median(rounds.map((r) => r.serverCpu / r.calls))),
    }
  })
  const [bare, guarded] = summary as [(typeof summary)[0], (typeof summary)[0]]
  const ratio = guarded.callsPerSecond / bare.callsPerSecond
  // Server CPU per call is the robust figure on a shared machine; calls/s also moves with other processes' load.
  const addedMicros = guarded.serverCpuMicrosPerCall - bare.serverCpuMicrosPerCall
  const result = {
    benchmark: 'mcp-middleware',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    setup: {
      server:
        '@modelcontextprotocol/server 2.x createMcpHandler (stateless, per-request McpServer) on Hono via @hono/node-server',
      token: 'RFC 9068 JWT, ES256, inline key set; per-tool scope check on tools/call',
      client: 'node:http keep-alive agent, one process, fixed concurrency, rounds alternated',
      ...config,
    },
    results: summary,
    ratio: Number(ratio.toFixed(3)),
    addedServerCpuMicrosPerCall: addedMicros,
    cpuOverhead: Number((addedMicros / bare.serverCpuMicrosPerCall).toFixed(3)),
    verificationAloneMicros: Number(ready.verifyMicros.toFixed(1)),
  }
  const md = [
    '# MCP middleware benchmark',
    '',
    `${result.date}, Node ${result.node}, ${result.cores} × ${result.cpu}, load average ${result.loadAverage1m} (shared machine).`,
    `Same MCP SDK v2 server code with and without \`requireAuth\`; tools/call over loopback keep-alive, concurrency ${config.concurrency}, ${config.rounds} alternating rounds of ${config.seconds} s each (median round shown).`,
    '',
    '| Variant | Tool calls/s | Rounds (calls/s) | Server CPU µs/call | p50 ms | p99 ms | Errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...summary.map(
      (s) =>
        `| ${s.variant} | ${s.callsPerSecond} | ${s.callsPerSecondByRound.join(', ')} | ${s.serverCpuMicrosPerCall} | ${s.p50Ms} | ${s.p99Ms} | ${s.errors} |`,
    ),
    '',
    `- Server CPU per tool call: ${bare.serverCpuMicrosPerCall} µs without, ${guarded.serverCpuMicrosPerCall} µs with the middleware: ${addedMicros} µs more (${((addedMicros / bare.serverCpuMicrosPerCall) * 100).toFixed(1)} %). This is the figure to trust on a shared machine.`,
    `- Calls per second with the middleware: ${(ratio * 100).toFixed(1)} % of those without (wall clock, moves with the machine's other load).`,
    `- Verification alone (header, body scan for the tool, ES256 signature and claims), in-process: ${ready.verifyMicros.toFixed(1)} µs CPU per request.`,
    '',
  ].join('\n')
  const dir = join(HERE, 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'mcp-middleware.json'), `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(join(dir, 'mcp-middleware.md'), md)
  console.log()
  console.table(
    summary.map(({ variant, callsPerSecond, serverCpuMicrosPerCall, p50Ms, p99Ms, errors }) => ({
      variant,
      callsPerSecond,
      serverCpuMicrosPerCall,
      p50Ms,
      p99Ms,
      errors,
    })),
  )
  console.log(md)
}

if (process.argv.includes('--serve')) await serve()
else await main()
