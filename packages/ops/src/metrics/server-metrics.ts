/**
 * The metric families every OpenXAA server exposes, made once per server, and an audit-log wrapper that counts
 * issuances, refusals by reason code and replay hits from the events the servers already write.
 * @see ../../../../docs/operations.md "Metrics"
 */
import { type Counter, type Gauge, type Histogram, MetricsRegistry } from './registry.js'

/** The families; `registry.render()` is the `/metrics` body. */
export interface ServerMetrics {
  readonly registry: MetricsRegistry
  /** `openxaa_http_requests_total{method,route,status}` */
  readonly requests: Counter
  /** `openxaa_http_request_duration_seconds{method,route}` */
  readonly latency: Histogram
  readonly inFlight: Gauge
  /** `openxaa_http_overload_total`: requests answered 503 by the in-flight limit. */
  readonly overload: Counter
  /** `openxaa_issuances_total{action}`: allowed issuances (ID-JAGs at the IdP, access tokens at the AS). */
  readonly issuances: Counter
  /** `openxaa_refusals_total{action,reason}` */
  readonly refusals: Counter
  /** `openxaa_replay_hits_total`: an ID-JAG `jti` presented a second time. */
  readonly replayHits: Counter
  /** `openxaa_jwks_fetches_total{result}` */
  readonly jwksFetches: Counter
  /** `openxaa_database_errors_total` */
  readonly databaseErrors: Counter
  /** `openxaa_rate_limited_total{scope}`: requests answered 429, by `ip` or `client`. */
  readonly rateLimited: Counter
  /** `openxaa_rate_limit_errors_total{backend}`: requests let through because the shared counter failed. */
  readonly rateLimitErrors: Counter
}

/** Builds the families on a fresh registry (or the one given). */
export function createServerMetrics(registry = new MetricsRegistry()): ServerMetrics {
  const metrics: ServerMetrics = {
    registry,
    requests: registry.counter('openxaa_http_requests_total', 'HTTP requests by method, route and status.'),
    latency: registry.histogram('openxaa_http_request_duration_seconds', 'HTTP request latency by method and route.'),
    inFlight: registry.gauge('openxaa_http_in_flight_requests', 'HTTP requests being served now.'),
    overload: registry.counter('openxaa_http_overload_total', 'Requests refused with 503 by the in-flight limit.'),
    issuances: registry.counter('openxaa_issuances_total', 'Tokens issued, by audit action.'),
    refusals: registry.counter('openxaa_refusals_total', 'Refused requests, by audit action and reason code.'),
    replayHits: registry.counter('openxaa_replay_hits_total', 'ID-JAG jti values presented again.'),
    jwksFetches: registry.counter('openxaa_jwks_fetches_total', 'Remote JWKS fetches, by result.'),
    databaseErrors: registry.counter('openxaa_database_errors_total', 'Requests that failed on a database error.'),
    rateLimited: registry.counter('openxaa_rate_limited_total', 'Requests refused with 429, by limit scope.'),
    rateLimitErrors: registry.counter(
      'openxaa_rate_limit_errors_total',
      'Requests let through unlimited because the rate-limit counter failed, by backend.',
    ),
  }
  registry.gauge('process_resident_memory_bytes', 'Resident set size in bytes.', () => process.memoryUsage().rss)
  registry.gauge('process_heap_used_bytes', 'V8 heap in use, bytes.', () => process.memoryUsage().heapUsed)
  return metrics
}

/** The shape of an audit event these counters read (a subset of the store's `AuditEventInput`). */
export interface CountedAuditEvent {
  action: string
  decision: string
  reason?: string | undefined
}

const ISSUING_ACTIONS = new Set(['id_jag.issue', 'id_jag.redeem'])
const REPLAY_REASONS = new Set(['ERR_ID_JAG_REPLAY'])

/** Counts one audit event: an allowed issuance, or a refusal by reason. */
export function countAuditEvent(metrics: ServerMetrics, event: CountedAuditEvent): void {
  if (event.decision === 'allow' && ISSUING_ACTIONS.has(event.action)) metrics.issuances.inc({ action: event.action })
  if (event.decision === 'deny') {
    metrics.refusals.inc({ action: event.action, reason: event.reason ?? 'unknown' })
    if (event.reason !== undefined && REPLAY_REASONS.has(event.reason)) metrics.replayHits.inc()
  }
}

/**
 * Returns an object whose `append` counts the event once it is written, everything else delegated: give it to a
 * server in place of the store's audit log.
 */
export function countingAuditLog<T extends { append(event: never): Promise<unknown> }>(
  audit: T,
  metrics: ServerMetrics,
): T {
  const wrapped = Object.create(audit) as T
  Object.defineProperty(wrapped, 'append', {
    value: async (event: CountedAuditEvent) => {
      const result = await (audit.append as (e: CountedAuditEvent) => Promise<unknown>).call(audit, event)
      countAuditEvent(metrics, event)
      return result
    },
  })
  return wrapped
}
