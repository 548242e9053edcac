/**
 * A small closed-loop load generator: `concurrency` workers, each with its own keep-alive connection, send one
 * request after another for a fixed time over node:http, and every latency is recorded (a latency histogram is the
 * sorted sample; the sample is kept whole, a few hundred thousand numbers at most).
 *
 * Why not autocannon: it pipelines nothing we need, cannot vary the body per request without its own request-builder
 * API and adds a dependency; this loop is 150 lines, varies the body per request (single-use ID-JAGs), checks every
 * answer, and runs in the same process that pre-mints the assertions.
 */
import { Agent, request } from 'node:http'

/** One request of the run: the body and headers to send (built on demand, so each may differ). */
export interface LoadRequest {
  method?: string
  path: string
  headers: Record<string, string>
  body?: string
}

/** What a run measures. */
export interface LoadOptions {
  port: number
  host?: string
  concurrency: number
  /** Seconds of measurement. */
  duration: number
  /** Seconds of load before the measurement starts (JIT, caches, pools); its requests are not counted. */
  warmup?: number
  /** Builds request number `i` (0-based, counting warm-up requests too). */
  next(i: number): LoadRequest
  /** True when the answer is the expected success; default: status 200. */
  check?(status: number, body: string): boolean
  /** Stops the run early when it returns true (e.g. the pre-minted assertions are used up). */
  exhausted?(i: number): boolean
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** Result of a run. */
export interface LoadResult {
  /** Successful requests in the measured window. */
  requests: number
  errors: number
  /** First unexpected answer, for diagnosis (status and the start of the body: never a token of ours). */
  firstError?: string
  seconds: number
  rps: number
  latency: LatencySummary
  concurrency: number
  /** Requests sent in total, warm-up included. */
  sent: number
}

/** Percentile of an ascending array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))
  return sorted[rank]!
}

/** p50/p90/p99/max/mean of a sample (milliseconds). */
export function summarize(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort()
  const round = (n: number) => Math.round(n * 1000) / 1000
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)
  return {
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!),
    mean: round(mean),
  }
}

function send(agent: Agent, host: string, port: number, req: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const headers = { ...req.headers }
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body))
    const r = request({ agent, host, port, path: req.path, method: req.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', (err) => resolve({ status: 0, body: err.message }))
    })
    r.on('error', (err) => resolve({ status: 0, body: err.message }))
    r.end(req.body)
  })
}

/** Runs the load; resolves when the measured window (and the requests still in flight) are over. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = options.host ?? '127.0.0.1'
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })
  const check = options.check ?? ((status: number) => status === 200)
  const warmupEnd = performance.now() + (options.warmup ?? 0) * 1000
  let measureStart = Number.NaN
  let measureEnd = Number.NaN
  const latencies: number[] = []
  let errors = 0
  let firstError: string | undefined
  let sent = 0
  let stop = false

  const worker = async () => {
    while (!stop) {
      const now = performance.now()
      if (now >= warmupEnd && Number.isNaN(measureStart)) {
        measureStart = now
        measureEnd = now + options.duration * 1000
      }
      if (!Number.isNaN(measureEnd) && now >= measureEnd) break
      if (options.exhausted?.(sent)) {
        stop = true
        break
      }
      const i = sent++
      const started = performance.now()
      const { status, body } = await send(agent, host, options.port, options.next(i))
      const finished = performance.now()
      // Only requests that started inside the window count: the window's rate is what the server sustained.
      if (Number.isNaN(measureStart) || started < measureStart) continue
      if (check(status, body)) latencies.push(finished - started)
      else {
        errors++
        firstError ??= `${status} ${body.slice(0, 200)}`
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  const ended = performance.now()
  agent.destroy()
  const seconds = (ended - measureStart) / 1000
  return {
    requests: latencies.length,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: Math.round(seconds * 1000) / 1000,
    rps: Math.round(latencies.length / seconds),
    latency: summarize(latencies),
    concurrency: options.concurrency,
    sent,
  }
}
