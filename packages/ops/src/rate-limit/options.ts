/**
 * The rate-limit settings both servers take, checked once (a TypeError names the bad option or variable), defaulted
 * and frozen, and read from the environment by the server commands.
 * @see ../../../../docs/operations.md "Limits" and "Configuration"
 */

/** Rate-limit options of `createAuthServer` and `createIdp`. */
export interface RateLimitOptions {
  /**
   * Requests per minute one remote address may send to the credential endpoints, counted before anything else
   * (failed client authentication included); `false` when a proxy in front limits instead. Default 600.
   */
  rateLimitPerMinute?: number | false
  /**
   * Token requests per minute one authenticated client may send, from any number of addresses; `false` for none.
   * Default 3000: one client serves every user of an organization, so it gets more than one address.
   */
  rateLimitPerClientPerMinute?: number | false
  /** Count in Redis (shared by every replica using the same URL and prefix) instead of the database or memory. */
  rateLimitRedis?: {
    /** `redis://…` or `rediss://…`. */
    url: string
    /** Key prefix. Default `openxaa:rl:`. */
    prefix?: string
    /** Connection and command deadline in ms; past it the request is let through. Default 500. */
    timeout?: number
  }
}

/** The options after {@link parseRateLimitOptions}. A limit of 0 is off. */
export interface ResolvedRateLimits {
  readonly perMinute: number
  readonly perClientPerMinute: number
  readonly redis: Readonly<{ url: string; prefix: string; timeout: number }> | undefined
}

/** Defaults, chosen so the demo and the test suites, all on one loopback address, never reach them. */
export const RATE_LIMIT_DEFAULTS = Object.freeze({
  perMinute: 600,
  perClientPerMinute: 3000,
  redisPrefix: 'openxaa:rl:',
  redisTimeout: 500,
})

const MAX_LIMIT = 1_000_000
const PREFIX = /^[A-Za-z0-9:_.{}-]{1,64}$/

function limit(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (value === false) return 0
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new TypeError(`${name} must be an integer from 1 to ${MAX_LIMIT}, or false for no limit`)
  }
  return value
}

function redisUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !['redis:', 'rediss:'].includes(new URL(value).protocol)) {
    throw new TypeError(`${name} must be a redis:// or rediss:// URL`)
  }
  return value
}

function timeout(value: unknown, name: string): number {
  if (value === undefined) return RATE_LIMIT_DEFAULTS.redisTimeout
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 10 || value > 60_000) {
    throw new TypeError(`${name} must be an integer number of milliseconds from 10 to 60000`)
  }
  return value
}

function prefix(value: unknown, name: string): string {
  if (value === undefined) return RATE_LIMIT_DEFAULTS.redisPrefix
  if (typeof value !== 'string' || !PREFIX.test(value)) {
    throw new TypeError(`${name} must be 1 to 64 characters of A-Z a-z 0-9 : _ . - { }`)
  }
  return value
}

/**
 * Checks, defaults and freezes the rate-limit options.
 * @example parseRateLimitOptions({ rateLimitPerMinute: false }).perMinute // 0
 */
export function parseRateLimitOptions(options: RateLimitOptions): ResolvedRateLimits {
  const redis = options.rateLimitRedis
  if (redis !== undefined && (typeof redis !== 'object' || redis === null)) {
    throw new TypeError('options.rateLimitRedis must be an object with a url')
  }
  return Object.freeze({
    perMinute: limit(options.rateLimitPerMinute, RATE_LIMIT_DEFAULTS.perMinute, 'options.rateLimitPerMinute'),
    perClientPerMinute: limit(
      options.rateLimitPerClientPerMinute,
      RATE_LIMIT_DEFAULTS.perClientPerMinute,
      'options.rateLimitPerClientPerMinute',
    ),
    redis:
      redis === undefined
        ? undefined
        : Object.freeze({
            url: redisUrl(redis.url, 'options.rateLimitRedis.url'),
            prefix: prefix(redis.prefix, 'options.rateLimitRedis.prefix'),
            timeout: timeout(redis.timeout, 'options.rateLimitRedis.timeout'),
          }),
  })
}

/** The environment variables {@link rateLimitOptionsFromEnv} reads (also allowed in `OPENXAA_CONFIG_FILE`). */
export const RATE_LIMIT_SETTINGS: readonly string[] = [
  'OPENXAA_RATE_LIMIT_PER_MINUTE',
  'OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE',
  'OPENXAA_REDIS_URL',
  'OPENXAA_REDIS_PREFIX',
  'OPENXAA_REDIS_TIMEOUT_MS',
]

function envNumber(env: Record<string, string | undefined>, name: string): number | false | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  if (raw === 'off' || raw === '0') return false
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_LIMIT) {
    throw new TypeError(`${name} must be a whole number up to ${MAX_LIMIT} (0 or off = no limit)`)
  }
  return Number(raw)
}

/**
 * The rate-limit options from `OPENXAA_RATE_LIMIT_PER_MINUTE`, `OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE` (a number,
 * or `0`/`off`), `OPENXAA_REDIS_URL`, `OPENXAA_REDIS_PREFIX` and `OPENXAA_REDIS_TIMEOUT_MS`, checked now: a bad value
 * is a TypeError naming the variable.
 * @example createAuthServer(deps, { issuer, ...rateLimitOptionsFromEnv(process.env) })
 */
export function rateLimitOptionsFromEnv(env: Record<string, string | undefined> = process.env): RateLimitOptions {
  const options: RateLimitOptions = {}
  const perMinute = envNumber(env, 'OPENXAA_RATE_LIMIT_PER_MINUTE')
  const perClient = envNumber(env, 'OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE')
  if (perMinute !== undefined) options.rateLimitPerMinute = perMinute
  if (perClient !== undefined) options.rateLimitPerClientPerMinute = perClient
  const url = env.OPENXAA_REDIS_URL
  if (url !== undefined && url !== '') {
    const rawTimeout = env.OPENXAA_REDIS_TIMEOUT_MS
    if (rawTimeout !== undefined && !/^\d{1,6}$/.test(rawTimeout)) {
      throw new TypeError('OPENXAA_REDIS_TIMEOUT_MS must be a whole number of milliseconds')
    }
    options.rateLimitRedis = {
      url: redisUrl(url, 'OPENXAA_REDIS_URL'),
      prefix: prefix(env.OPENXAA_REDIS_PREFIX, 'OPENXAA_REDIS_PREFIX'),
      timeout: timeout(rawTimeout === undefined ? undefined : Number(rawTimeout), 'OPENXAA_REDIS_TIMEOUT_MS'),
    }
  }
  return options
}
