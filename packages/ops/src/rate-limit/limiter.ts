/**
 * The fixed-window limiter both servers put in front of their token endpoints: per remote address (every request)
 * and per authenticated client. It picks its counter (Redis if configured, else the counter shared through the
 * database that the server passes in, else memory), answers a refusal with 429, `Retry-After` and `no-store`, and
 * calls back on the first refusal of a window so the server can audit it once.
 *
 * A shared counter that fails or is slower than its deadline does not decide the answer: the request is let
 * through (fail open), `openxaa_rate_limit_errors_total{backend}` counts it and a warning is logged (at most one
 * line per 30 s). Availability of the token endpoints is worth more than the limit for the minutes Redis is down;
 * the in-flight limit still bounds the load each replica takes.
 * @see ../../../../docs/operations.md "Limits"; spec/xaa-protocol.md checklist #29
 */
import { createHash } from 'node:crypto'
import type { ServerMetrics } from '../metrics/server-metrics.js'
import { memoryRateLimitCounter, type RateLimitCounter } from './counter.js'
import type { ResolvedRateLimits } from './options.js'
import { redisRateLimitCounter } from './redis-counter.js'

const WINDOW_MS = 60_000
const LOG_EVERY_MS = 30_000
/** The database counter's deadline: a pool waiting for a connection must not hold the request. */
const SHARED_TIMEOUT_MS = 2000

/** What is limited: a remote address, or an authenticated client. */
export type RateLimitScope = 'ip' | 'client'

/** A refused request: the answer's `Retry-After`, and what the first refusal of a window is audited with. */
export interface RateLimitRefusal {
  readonly scope: RateLimitScope
  readonly id: string
  readonly limit: number
  /** Seconds until the window ends (at least 1). */
  readonly retryAfter: number
  /** True for the first refusal of this key's window: audit it (a flood must not become a flood of audit rows). */
  readonly first: boolean
}

/** What a limiter needs. */
export interface RateLimiterOptions {
  /** Key namespace of this server (`as`, `idp`): two kinds of server sharing one Redis count apart. */
  service: string
  limits: ResolvedRateLimits
  /** A counter shared through the database (the store's, on PostgreSQL); used when Redis is not configured. */
  shared?: RateLimitCounter | undefined
  /** Epoch ms. */
  now: () => number
  metrics: ServerMetrics
  logger: { warn(message: string, fields?: Record<string, unknown>): void }
  /** Counter to use instead of the configured ones (tests, embedders). */
  counter?: RateLimitCounter
  /** Deadline in ms of a counter other than Redis and memory (the database's, or `counter`). Default 2000. */
  sharedTimeout?: number
}

/** A limiter; `close()` releases its Redis connection. */
export interface RateLimiter {
  /** Where it counts: `redis`, `database` or `memory` (`custom` for a counter passed in). */
  readonly backend: string
  /** The limit of a scope; 0 when off. */
  limitOf(scope: RateLimitScope): number
  /** Counts one request; undefined when it may go on, else why not. */
  check(scope: RateLimitScope, id: string): Promise<RateLimitRefusal | undefined>
  close(): Promise<void>
}

/**
 * Builds a limiter for one server instance.
 * @example const limiter = createRateLimiter({ service: 'as', limits, shared: store.rateLimits, now, metrics, logger })
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limits, now, metrics, logger } = options
  const sharedTimeout = options.sharedTimeout ?? SHARED_TIMEOUT_MS
  const [backend, counter, deadline] = options.counter
    ? (['custom', options.counter, sharedTimeout] as const)
    : limits.redis
      ? (['redis', redisRateLimitCounter(limits.redis, now), limits.redis.timeout] as const)
      : options.shared
        ? (['database', options.shared, sharedTimeout] as const)
        : (['memory', memoryRateLimitCounter(now), 0] as const)
  let loggedAt = Number.NEGATIVE_INFINITY

  const failOpen = (err: unknown): undefined => {
    metrics.rateLimitErrors.inc({ backend })
    const t = now()
    if (t - loggedAt >= LOG_EVERY_MS) {
      loggedAt = t
      logger.warn('rate-limit counter unavailable: requests are let through unlimited', {
        code: 'ERR_RATE_LIMIT_BACKEND',
        backend,
        error: err instanceof Error ? err.message.slice(0, 200) : 'unknown',
      })
    }
    return undefined
  }

  const hit = async (key: string) => {
    if (deadline === 0) return counter.hit(key, WINDOW_MS)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${deadline} ms`)), deadline)
    })
    try {
      return await Promise.race([counter.hit(key, WINDOW_MS), late])
    } finally {
      clearTimeout(timer)
    }
  }

  const limitOf = (scope: RateLimitScope) => (scope === 'ip' ? limits.perMinute : limits.perClientPerMinute)
  return {
    backend,
    limitOf,
    async check(scope, id) {
      const limit = limitOf(scope)
      if (limit === 0) return undefined
      let result: { count: number; resetAt: number }
      try {
        result = await hit(`${options.service}:${scope}:${keyPart(id)}`)
      } catch (err) {
        return failOpen(err)
      }
      if (result.count <= limit) return undefined
      metrics.rateLimited.inc({ scope })
      const retryAfter = Math.max(1, Math.ceil((result.resetAt - now()) / 1000))
      return { scope, id, limit, retryAfter, first: result.count === limit + 1 }
    },
    async close() {
      await counter.close?.()
    },
  }
}

/** Short ids as they are (readable in Redis and the table); long ones (URL client ids) hashed to a fixed length. */
function keyPart(id: string): string {
  return id.length <= 128 ? id : `sha256:${createHash('sha256').update(id).digest('base64url')}`
}

/** The body and headers of a 429 (RFC 6585 4), in OAuth's error shape (`temporarily_unavailable`, RFC 6749 4.1.2.1). */
export function rateLimitedAnswer(refusal: Pick<RateLimitRefusal, 'retryAfter'>): {
  status: 429
  body: { error: 'temporarily_unavailable'; error_description: string }
  headers: Record<string, string>
} {
  return {
    status: 429,
    body: { error: 'temporarily_unavailable', error_description: 'too many requests' },
    headers: {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Type': 'application/json',
      'Retry-After': String(refusal.retryAfter),
    },
  }
}

/** {@link rateLimitedAnswer} as a web-standard Response. */
export function rateLimitedResponse(refusal: Pick<RateLimitRefusal, 'retryAfter'>): Response {
  const { status, body, headers } = rateLimitedAnswer(refusal)
  return new Response(JSON.stringify(body), { status, headers })
}

/**
 * The address a request came from, as a rate-limit key: the socket's peer, or with `trustProxy` the last
 * `X-Forwarded-For` entry (the one the trusted proxy added; earlier entries are the client's to forge). IPv4-mapped
 * IPv6 becomes IPv4; an IPv6 address counts by its /64, which one host usually holds whole. Undefined when unknown
 * (an embedding without Node bindings). Reads the Node request only: building the web Request here would start
 * reading the body that a later handler (or oidc-provider) must read.
 */
export function clientAddress(env: unknown, trustProxy = false): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown }; headers?: Record<string, unknown> } })
    ?.incoming
  let address: unknown
  if (trustProxy) {
    const forwarded = incoming?.headers?.['x-forwarded-for']
    if (typeof forwarded === 'string') address = forwarded.split(',').at(-1)?.trim() || undefined
  }
  address ??= incoming?.socket?.remoteAddress
  if (typeof address !== 'string' || address === '') return undefined
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]
  return address.includes(':') ? ipv6Prefix64(address) : address
}

function ipv6Prefix64(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? ''
  const [head = '', tail] = bare.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`
}
