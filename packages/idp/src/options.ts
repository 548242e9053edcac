/**
 * `parseOptions()`: the IdP's options, checked once when the IdP is built, fully defaulted and frozen. A mistake is a
 * TypeError naming the option.
 * @see ../../../../shared/style.md section 6, ../../../../shared/spec/xaa-protocol.md section 8
 */
import { parseRateLimitOptions, type RateLimitOptions, type ResolvedRateLimits } from '@openxaa/ops'
import { ID_JAG_DEFAULT_LIFETIME, ID_JAG_MAX_LIFETIME } from '@openxaa/protocol'

/**
 * Options of `createIdp`. Only `issuer`, `tenant` and `cookieKeys` are required. The rate limits
 * (`rateLimitPerMinute`, default 600 per address on `/token`, `/token/revocation` and `/device/auth`;
 * `rateLimitPerClientPerMinute`, default 3000 token exchanges per authenticated client; `rateLimitRedis`) are those
 * of `@openxaa/ops`. With `trustProxy` the address is the last `X-Forwarded-For` entry.
 */
export interface IdpOptions extends RateLimitOptions {
  /** The IdP issuer identifier: https (http only on a loopback host), no query, no fragment, no trailing slash. */
  issuer: string
  /** The tenant put in every ID-JAG (project decision 7). */
  tenant: string
  /** Keys that sign the IdP's cookies (the first signs, all verify); each at least 32 characters. */
  cookieKeys: readonly string[]
  /** ID-JAG lifetime in seconds: default 300, at most 900 (project decision 4). */
  idJagLifetime?: number
  /** ID token lifetime in seconds (default 3600). */
  idTokenLifetime?: number
  /** IdP refresh token lifetime in seconds (default 14 days). */
  refreshTokenLifetime?: number
  /** Sign-in session lifetime in seconds (default 14 days). */
  sessionLifetime?: number
  /** How often, in seconds, to look for a signing key rotated by another replica (default 10). */
  keyCheckInterval?: number
  /** scrypt cost as log2(N) for new password hashes: default 17 (OWASP), at least 12. */
  passwordHashCost?: number
  /** Trust `X-Forwarded-*` headers (behind a TLS-terminating proxy). Default false. */
  trustProxy?: boolean
  /** Serve the admin JSON API under /admin/api. Default true. */
  adminApi?: boolean
  /** Serve the admin console (and every employee's "My AI connections") under /console. Default true. */
  console?: boolean
  /** Display name on the sign-in pages. Default "OpenXAA". */
  displayName?: string
}

/** The options after {@link parseOptions}: every value present, frozen. */
export interface ResolvedIdpOptions {
  readonly issuer: string
  /** The issuer's path ('' at the root): where every route is mounted. */
  readonly mountPath: string
  readonly tenant: string
  readonly cookieKeys: readonly string[]
  readonly idJagLifetime: number
  readonly idTokenLifetime: number
  readonly refreshTokenLifetime: number
  readonly sessionLifetime: number
  readonly keyCheckInterval: number
  readonly passwordHashCost: number
  readonly trustProxy: boolean
  readonly adminApi: boolean
  readonly console: boolean
  readonly displayName: string
  /** Per address and per client, a limit of 0 being off; Redis when configured. */
  readonly rateLimits: ResolvedRateLimits
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
const DAY = 86_400

function seconds(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`options.${name} must be a whole number of seconds from ${min} to ${max}`)
  }
  return value
}

function checkIssuer(issuer: unknown): URL {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw new TypeError('options.issuer must be an absolute URL')
  const url = new URL(issuer)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new TypeError('options.issuer must use https (http only on a loopback host)')
  }
  if (issuer.includes('?') || issuer.includes('#')) throw new TypeError('options.issuer must have no query or fragment')
  if (url.username !== '' || url.password !== '') throw new TypeError('options.issuer must carry no user information')
  if (issuer.endsWith('/')) throw new TypeError('options.issuer must not end with "/" (clients compare it exactly)')
  return url
}

/** Checks, defaults and freezes the options. */
export function parseOptions(options: IdpOptions): ResolvedIdpOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const url = checkIssuer(options.issuer)
  if (typeof options.tenant !== 'string' || options.tenant.trim() === '' || options.tenant.length > 256) {
    throw new TypeError('options.tenant must be a non-empty string (it goes into every ID-JAG)')
  }
  const keys = options.cookieKeys
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k.length >= 32)) {
    throw new TypeError('options.cookieKeys must be a non-empty array of strings of at least 32 characters')
  }
  const cost = options.passwordHashCost ?? 17
  if (!Number.isInteger(cost) || cost < 12 || cost > 20) {
    throw new TypeError('options.passwordHashCost must be an integer from 12 to 20 (log2 of the scrypt N)')
  }
  for (const name of ['trustProxy', 'adminApi', 'console'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new TypeError(`options.${name} must be a boolean`)
    }
  }
  if (options.displayName !== undefined && (typeof options.displayName !== 'string' || options.displayName === '')) {
    throw new TypeError('options.displayName must be a non-empty string')
  }
  return Object.freeze({
    issuer: options.issuer,
    mountPath: url.pathname === '/' ? '' : url.pathname,
    tenant: options.tenant,
    cookieKeys: Object.freeze([...keys]),
    idJagLifetime: seconds('idJagLifetime', options.idJagLifetime, ID_JAG_DEFAULT_LIFETIME, 1, ID_JAG_MAX_LIFETIME),
    idTokenLifetime: seconds('idTokenLifetime', options.idTokenLifetime, 3600, 60, DAY),
    refreshTokenLifetime: seconds('refreshTokenLifetime', options.refreshTokenLifetime, 14 * DAY, 60, 365 * DAY),
    sessionLifetime: seconds('sessionLifetime', options.sessionLifetime, 14 * DAY, 60, 365 * DAY),
    keyCheckInterval: seconds('keyCheckInterval', options.keyCheckInterval, 10, 1, 3600),
    passwordHashCost: cost,
    trustProxy: options.trustProxy ?? false,
    adminApi: options.adminApi ?? true,
    console: options.console ?? true,
    displayName: options.displayName ?? 'OpenXAA',
    rateLimits: parseRateLimitOptions(options),
  })
}
