/**
 * `createAuthServer(deps, options)`: a complete resource authorization server as a Hono app and a web-standard
 * `fetch`, over an open store.
 * @see ../README.md
 */
import { countingFetch, createServerMetrics, instrumentStore, type JsonLogger, type ServerMetrics } from '@openxaa/ops'
import type { Hono } from 'hono'
import { buildApp } from './app.js'
import { type AppEnv, type AuthServerDeps, createRedemptionContext, type RedemptionContext } from './context.js'
import { createAsRateLimiter } from './middleware/rate-limit.js'
import type { AuthServerOptions } from './options.js'

/** Operational dependencies of a server; all optional. */
export interface OperationsDeps {
  /** Families to feed (share one registry between servers of one process); default: a new set. */
  metrics?: ServerMetrics
  /** Where the one-line-per-request JSON log goes; default: nowhere (the CLI passes a JSON logger to stdout). */
  requestLogger?: JsonLogger
  /** Requests served at once before new ones get 503 with Retry-After; default 256, 0 = no limit. */
  maxInFlight?: number
}

const QUIET: JsonLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** A running server's handles. */
export interface AuthServer {
  /** The Hono app: mount it in another app, or serve it with `@hono/node-server`. */
  readonly app: Hono<AppEnv>
  /**
   * Web-standard handler (`Request` → `Response`). Pass `@hono/node-server`'s bindings as `env` so that rate limits
   * see the remote address.
   */
  readonly fetch: (request: Request, env?: unknown) => Promise<Response>
  /** The state `redeemIdJag` works with, for routes of your own next to these. */
  readonly context: RedemptionContext
  /** The Prometheus families this server feeds (also served at `/metrics`). */
  readonly metrics: ServerMetrics
  /**
   * Forgets cached key sets and metadata documents and closes the rate limiter's Redis connection, if any. The store
   * stays open: it belongs to the caller.
   */
  close(): Promise<void>
}

/**
 * Builds a resource AS: token endpoint (jwt-bearer and jwt-dpop), metadata, JWKS, introspection, revocation, the
 * authorization endpoint's error page and the admin JSON API. Options are checked here (TypeError naming the option)
 * and frozen.
 *
 * @example
 * const store = await openStore()
 * const as = createAuthServer({ store }, { issuer: 'https://as.chat.example' })
 * serve({ fetch: as.fetch, port: 8080 })
 * @see spec/xaa-protocol.md section 2(d) and section 8
 */
export function createAuthServer(deps: AuthServerDeps & OperationsDeps, options: AuthServerOptions): AuthServer {
  const metrics = deps.metrics ?? createServerMetrics()
  const maxInFlight = deps.maxInFlight ?? 256
  if (!Number.isInteger(maxInFlight) || maxInFlight < 0) throw new TypeError('deps.maxInFlight must be an integer >= 0')
  const context = createRedemptionContext(
    {
      ...deps,
      store: instrumentStore(deps.store, metrics),
      fetch: countingFetch(deps.fetch ?? globalThis.fetch, metrics),
    },
    options,
  )
  const requestLogger = deps.requestLogger ?? QUIET
  const limiter = createAsRateLimiter(context, metrics)
  const app = buildApp(context, { metrics, requestLogger, maxInFlight, limiter })
  return Object.freeze({
    app,
    fetch: async (request: Request, env?: unknown) => app.fetch(request, env as never),
    context,
    metrics,
    async close() {
      context.jwksCaches.clear()
      context.clientMetadata.clear()
      await limiter.close()
    },
  })
}
