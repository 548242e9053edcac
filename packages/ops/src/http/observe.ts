/**
 * The operational middleware every server puts first: a request id (`X-Request-Id`), a bounded number of requests
 * in flight (503 with `Retry-After` past it), one JSON log line per request (method, route, status, duration,
 * request id; never a header, query or body), the request metrics, and a 503 for a request that failed because the
 * database is unavailable.
 * @see ../../../../docs/operations.md "Logs", "Limits"
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { JsonLogger } from '../log/json-logger.js'
import type { ServerMetrics } from '../metrics/server-metrics.js'
import { databaseUnavailableAnswer, isDatabaseUnavailable, wantsHtml } from './database-error.js'

/** Settings of {@link observe}. */
export interface ObserveOptions {
  logger: JsonLogger
  metrics: ServerMetrics
  /** Requests served at once before new ones get 503; default 256, 0 = no limit. */
  maxInFlight?: number
  /** Largest request body in bytes (declared or streamed); larger ones get 413. Default 64 KiB; 0 = no limit. */
  maxBodyBytes?: number
  /** Seconds in the `Retry-After` of a 503; default 1. */
  retryAfterSeconds?: number
  /**
   * A route label for requests a catch-all route serves (oidc-provider's endpoints at the IdP); `undefined` keeps
   * the matched pattern. Must return a bounded set of values.
   */
  routeLabel?: (c: Context) => string | undefined
  /** Paths not logged (probes, scrapes); default `/healthz`, `/readyz`, `/metrics`. */
  quietPaths?: readonly string[]
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/

function unavailable(retryAfter: number, error: string, description: string): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status: 503,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Retry-After': String(retryAfter),
    },
  })
}

// The pattern of the route that answered (Hono's `routeIndex` is the last one dispatched), not the path: bounded
// label values whatever paths clients send. Index 0 is this middleware: nothing else ran, no route matched.
function routeOf(c: Context): string {
  const index = c.req.routeIndex
  const route = index > 0 ? c.req.matchedRoutes[index] : undefined
  return route === undefined ? 'unmatched' : route.path
}

// oidc-provider answers on the raw Node response: its status is there, not on `c.res`.
function statusOf(c: Context): number {
  const outgoing = (c.env as { outgoing?: { headersSent?: boolean; statusCode?: number } } | undefined)?.outgoing
  if (c.res.headers.get('x-hono-already-sent') !== null && outgoing?.statusCode !== undefined)
    return outgoing.statusCode
  return c.res.status
}

/**
 * For an HTTP/1.1 request on @hono/node-server, whether its body fits without reading it: a body framed by
 * Content-Length is checked by its declared size, and a request with neither that nor Transfer-Encoding has no body
 * (RFC 9112 6.3). Undefined when only reading can tell (chunked, HTTP/2, or a web Request from elsewhere), which the
 * streaming limit does. Asking a Node request for its body builds a web Request and stream: a sizeable share of
 * the CPU of a token request.
 */
function framedByLength(c: Context, maxBody: number): boolean | undefined {
  const incoming = (c.env as { incoming?: { httpVersionMajor?: number; headers?: Record<string, unknown> } })?.incoming
  if (incoming?.httpVersionMajor !== 1 || incoming.headers === undefined) return undefined
  const { 'content-length': declared, 'transfer-encoding': chunked } = incoming.headers
  if (chunked !== undefined) return undefined
  if (declared === undefined) return true
  return Number(declared) <= maxBody
}

function tooLarge(c: Context): Response {
  // The rest of the body is never read: the connection cannot carry another request, say so.
  return c.json({ error: 'invalid_request', error_description: 'request body too large' }, 413, {
    'Cache-Control': 'no-store',
    Connection: 'close',
  })
}

/**
 * Sets a header on the response in place. `c.header()` on a finished response first copies it, which on
 * @hono/node-server turns its lightweight response into a full web Response (a body stream and all); only a
 * response whose headers are immutable (one from `fetch`) needs that copy.
 */
function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}

/** The middleware; mount it with `app.use('*', observe(...))` before every route. */
export function observe(options: ObserveOptions): MiddlewareHandler {
  const max = options.maxInFlight ?? 256
  if (!Number.isInteger(max) || max < 0) throw new TypeError('maxInFlight must be a non-negative integer')
  const retryAfter = options.retryAfterSeconds ?? 1
  const quiet = new Set(options.quietPaths ?? ['/healthz', '/readyz', '/metrics'])
  const { logger, metrics } = options
  const maxBody = options.maxBodyBytes ?? 65_536
  if (!Number.isInteger(maxBody) || maxBody < 0) throw new TypeError('maxBodyBytes must be a non-negative integer')
  // A declared Content-Length over the limit is refused before anything reads; a streamed body is counted as read.
  const limitBody: MiddlewareHandler | undefined =
    maxBody === 0 ? undefined : bodyLimit({ maxSize: maxBody, onError: (c) => tooLarge(c) })
  let inFlight = 0
  return async (c, next) => {
    const started = performance.now()
    const offered = c.req.header('x-request-id')
    const requestId = offered !== undefined && REQUEST_ID.test(offered) ? offered : crypto.randomUUID()
    c.set('requestId' as never, requestId as never)
    if (max > 0 && inFlight >= max) {
      metrics.overload.inc()
      metrics.requests.inc({ method: c.req.method, route: 'overload', status: '503' })
      logger.warn('overloaded', { requestId, method: c.req.method, inFlight })
      const res = unavailable(retryAfter, 'temporarily_unavailable', 'the server is overloaded, retry later')
      res.headers.set('X-Request-Id', requestId)
      return res
    }
    metrics.inFlight.set(++inFlight)
    try {
      const framed = limitBody === undefined ? true : framedByLength(c, maxBody)
      if (framed === true || limitBody === undefined) await next()
      else if (framed === false) c.res = tooLarge(c)
      else {
        const limited = await limitBody(c, next)
        if (limited instanceof Response) c.res = limited
      }
    } finally {
      metrics.inFlight.set(--inFlight)
    }
    const err = c.error
    let errorCode: string | undefined
    if (err !== undefined && statusOf(c) >= 500 && isDatabaseUnavailable(err)) {
      metrics.databaseErrors.inc()
      errorCode = 'ERR_DATABASE_UNAVAILABLE'
      // A handler that answered on the raw Node response (oidc-provider at the IdP) wrote its own 503 with
      // `databaseUnavailableAnswer` and reports the error in `c.error`; anything else is replaced here.
      if (c.res.headers.get('x-hono-already-sent') === null) {
        const html = wantsHtml(c.req.header('accept'), c.res.headers.get('content-type'))
        const answer = databaseUnavailableAnswer(html ? 'html' : 'json', retryAfter)
        c.res = new Response(answer.body, { status: answer.status, headers: answer.headers })
      }
    } else if (err !== undefined) {
      const code = (err as unknown as { code?: unknown }).code
      errorCode = typeof code === 'string' ? code : 'ERR_INTERNAL'
    }
    if (c.res.headers.get('x-hono-already-sent') === null) setHeader(c, 'X-Request-Id', requestId)
    const status = statusOf(c)
    const route = options.routeLabel?.(c) ?? routeOf(c)
    const seconds = (performance.now() - started) / 1000
    metrics.requests.inc({ method: c.req.method, route, status: String(status) })
    metrics.latency.observe(seconds, { method: c.req.method, route })
    if (quiet.has(c.req.path) && status < 500) return
    const fields: Record<string, unknown> = {
      requestId,
      method: c.req.method,
      route,
      status,
      durationMs: Math.round(seconds * 10_000) / 10,
    }
    if (errorCode !== undefined) fields.code = errorCode
    if (status >= 500) logger.error('request', fields)
    else logger.info('request', fields)
  }
}
