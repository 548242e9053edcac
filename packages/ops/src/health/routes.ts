/**
 * `GET /healthz` (the process answers), `GET /readyz` (503 while a dependency such as the database or the signing
 * keys is unavailable; the failing check's name, never its error text) and `GET /metrics` (Prometheus text).
 * @see ../../../../docs/operations.md "Health and readiness"
 */
import { Hono } from 'hono'
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js'
import type { ServerMetrics } from '../metrics/server-metrics.js'

/** A readiness check: resolves when ready, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>

/** Settings of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  /** Named checks, run in parallel on each `/readyz`. */
  checks: Readonly<Record<string, ReadinessCheck>>
  metrics: ServerMetrics
  /** A check slower than this fails; default 2000 ms. */
  checkTimeoutMs?: number
  /** Path prefix (a mount path); default ''. */
  prefix?: string
  /** Serve `/metrics`; default true. */
  exposeMetrics?: boolean
}

async function withTimeout(check: ReadinessCheck, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([check().then(() => true), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/** Runs every check; `ok` when all pass. */
export async function checkReadiness(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs = 2000,
): Promise<{ ok: boolean; checks: Record<string, 'ok' | 'fail'> }> {
  const names = Object.keys(checks)
  const results = await Promise.all(names.map((n) => withTimeout(checks[n] as ReadinessCheck, timeoutMs)))
  const out: Record<string, 'ok' | 'fail'> = {}
  names.forEach((n, i) => {
    out[n] = results[i] ? 'ok' : 'fail'
  })
  return { ok: results.every(Boolean), checks: out }
}

/** The routes, as a Hono app to mount with `app.route('/', healthRoutes(...))`. */
export function healthRoutes(options: HealthRoutesOptions): Hono {
  const prefix = options.prefix ?? ''
  const app = new Hono()
  const noStore = { 'Cache-Control': 'no-store' }
  app.get(`${prefix}/healthz`, (c) => c.json({ status: 'ok' }, 200, noStore))
  app.get(`${prefix}/readyz`, async (c) => {
    const result = await checkReadiness(options.checks, options.checkTimeoutMs)
    return c.json(
      { status: result.ok ? 'ready' : 'unavailable', checks: result.checks },
      result.ok ? 200 : 503,
      result.ok ? noStore : { ...noStore, 'Retry-After': '1' },
    )
  })
  if (options.exposeMetrics !== false) {
    app.get(`${prefix}/metrics`, (c) =>
      c.body(options.metrics.registry.render(), 200, { ...noStore, 'Content-Type': PROMETHEUS_CONTENT_TYPE }),
    )
  }
  return app
}
