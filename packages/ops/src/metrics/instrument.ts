/**
 * Wrappers that feed the metrics from what a server already does: its store's audit log (issuances, refusals,
 * replay hits) and its outbound fetch (JWKS fetches, recognised by their `Accept: application/jwk-set+json`).
 * @see ../../../../docs/operations.md "Metrics"
 */
import { type CountedAuditEvent, countAuditEvent, countingAuditLog, type ServerMetrics } from './server-metrics.js'

/** A store whose `audit.append` counts; every other member is the store's own (prototype delegation). */
export function instrumentStore<T extends { audit: { append(event: never): Promise<unknown> } }>(
  store: T,
  metrics: ServerMetrics,
): T {
  // Anything but a store is passed on untouched, for the server's own check to name.
  if (typeof store !== 'object' || store === null || typeof store.audit?.append !== 'function') return store
  const members: PropertyDescriptorMap = { audit: { value: countingAuditLog(store.audit, metrics), enumerable: true } }
  // The replay store also writes the audit event of a first use (`firstUseAudited`): count that one too.
  const replay = (store as { replay?: { firstUseAudited?: unknown } }).replay
  if (replay !== undefined && typeof replay.firstUseAudited === 'function') {
    const firstUseAudited = replay.firstUseAudited as (...args: unknown[]) => Promise<boolean>
    const counted = Object.create(replay, {
      firstUseAudited: {
        value: async (iss: unknown, jti: unknown, exp: unknown, event: CountedAuditEvent) => {
          const first = await firstUseAudited.call(replay, iss, jti, exp, event)
          if (first) countAuditEvent(metrics, event)
          return first
        },
      },
    })
    members.replay = { value: counted, enumerable: true }
  }
  return Object.create(store, members) as T
}

/** A fetch counting key-set fetches by result (`ok`, an HTTP status, or `error` for a network failure/timeout). */
export function countingFetch(fetchImpl: typeof fetch, metrics: ServerMetrics): typeof fetch {
  return async (input, init) => {
    const accept = new Headers(init?.headers).get('accept') ?? ''
    if (!accept.includes('jwk-set')) return fetchImpl(input, init)
    try {
      const res = await fetchImpl(input, init)
      metrics.jwksFetches.inc({ result: res.ok ? 'ok' : String(res.status) })
      return res
    } catch (err) {
      metrics.jwksFetches.inc({ result: 'error' })
      throw err
    }
  }
}
