import {
  assertIssuerIdentifier,
  buildProtectedResourceMetadata,
  DEFAULT_ALLOWED_ALGORITHMS,
  DEFAULT_CLOCK_SKEW,
  parseScope,
  type staticKeySource,
} from '@openxaa/protocol'

/** An inline JWK Set (RFC 7517 section 5). */
export type JSONWebKeySet = Parameters<typeof staticKeySource>[0]

/** Tuning of the remote key set cache (milliseconds), passed on to protocol's `createJwksCache`. */
export interface JwksCacheTuning {
  ttl?: number
  cooldown?: number
  timeout?: number
  maxStaleAge?: number
}

/**
 * Verify RFC 9068 JWT access tokens locally: signature with the AS's keys, `typ`, `iss`, `aud`, `exp`, scopes.
 * Keys come from `jwksUri`, from an inline `keys` set, or (neither given) from the `jwks_uri` of the issuer's
 * RFC 8414 metadata, discovered on first use.
 */
export interface JwtVerifierOptions {
  type: 'jwt'
  /** The resource AS issuer identifier; must be one of `authorizationServers`. */
  issuer: string
  jwksUri?: string
  keys?: JSONWebKeySet
  /** Allow-list of JWS algorithms. Default ES256, RS256, PS256, EdDSA. */
  algorithms?: readonly string[]
  /** Seconds of tolerance on `exp`, `nbf`, `iat`. Default 30. */
  clockSkew?: number
  jwks?: JwksCacheTuning
}

/** Ask the AS about opaque tokens (RFC 7662), authenticating with `client_secret_basic`; answers are cached briefly. */
export interface IntrospectionVerifierOptions {
  type: 'introspection'
  endpoint: string
  clientId: string
  clientSecret: string
  /** How long an answer is reused, in milliseconds (never past the token's `exp`). Default 30 s, at most 5 min. */
  cacheTtl?: number
  /** Most answers kept. Default 10 000. */
  cacheMaxEntries?: number
  /** Abort an introspection call after this many milliseconds. Default 5 s. */
  timeout?: number
  /** Seconds of tolerance on `exp` and `nbf`. Default 30. */
  clockSkew?: number
}

/** Settings of {@link createResourceServer}. */
export interface ResourceServerOptions {
  /** The canonical URI of the MCP server (RFC 8707 / RFC 9728 resource identifier): https, or http on loopback. */
  resource: string
  /** Issuers of the authorization servers whose tokens this resource accepts (PRM `authorization_servers`). */
  authorizationServers: readonly string[]
  /** PRM `scopes_supported`; also the challenge `scope` when a request needs no particular scope. */
  scopesSupported?: readonly string[]
  resourceName?: string
  resourceDocumentation?: string
  verifier: JwtVerifierOptions | IntrospectionVerifierOptions
  /** Current time in epoch milliseconds. Default `Date.now`. */
  clock?: () => number
  /** Used for key sets, metadata discovery and introspection. Default `globalThis.fetch`. */
  fetch?: typeof fetch
}

/** {@link ResourceServerOptions} after checking and defaulting; deeply frozen. */
export interface ResolvedResourceServerOptions {
  readonly resource: string
  readonly authorizationServers: readonly string[]
  readonly scopesSupported: readonly string[] | undefined
  readonly resourceName: string | undefined
  readonly resourceDocumentation: string | undefined
  readonly verifier: Readonly<ResolvedJwtVerifier> | Readonly<ResolvedIntrospectionVerifier>
  readonly clock: () => number
  readonly fetch: typeof fetch
}

export interface ResolvedJwtVerifier {
  type: 'jwt'
  issuer: string
  jwksUri: string | undefined
  keys: JSONWebKeySet | undefined
  algorithms: readonly string[]
  clockSkew: number
  jwks: Readonly<JwksCacheTuning>
}

export interface ResolvedIntrospectionVerifier {
  type: 'introspection'
  endpoint: string
  clientId: string
  clientSecret: string
  cacheTtl: number
  cacheMaxEntries: number
  timeout: number
  clockSkew: number
}

/** How long an introspection answer is reused by default, in milliseconds. @see RFC 7662 section 4 */
export const INTROSPECTION_DEFAULT_CACHE_TTL = 30_000
/** The longest `cacheTtl` accepted (5 min): a revoked token must stop working soon. @see RFC 7662 section 4 */
export const INTROSPECTION_MAX_CACHE_TTL = 300_000
const INTROSPECTION_DEFAULT_TIMEOUT = 5_000
const INTROSPECTION_DEFAULT_MAX_ENTRIES = 10_000

function fail(path: string, problem: string): never {
  throw new TypeError(`createResourceServer: options.${path} ${problem}`)
}

function nonEmpty(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string')
  return value
}

function number(value: unknown, fallback: number, path: string, max = Number.POSITIVE_INFINITY, zero = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zero && value === 0)) {
    fail(path, `must be a ${zero ? 'non-negative' : 'positive'} number`)
  }
  if (value > max) fail(path, `must be at most ${max}`)
  return value
}

function url(value: unknown, path: string): string {
  const text = nonEmpty(value, path)
  // Same rule as jwks_uri and metadata URLs: https, or plain http on a loopback host only.
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    fail(path, 'must be an absolute URL')
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname)
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    fail(path, 'must use https (plain http only on a loopback host)')
  }
  if (parsed.hash !== '' || text.includes('#')) fail(path, 'must not have a fragment')
  return text
}

function wrap<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof TypeError && !err.message.startsWith('createResourceServer:')) {
      throw new TypeError(`createResourceServer: ${err.message}`)
    }
    throw err
  }
}

function resolveVerifier(
  v: ResourceServerOptions['verifier'] | undefined,
  issuers: readonly string[],
): ResolvedJwtVerifier | ResolvedIntrospectionVerifier {
  if (typeof v !== 'object' || v === null)
    fail('verifier', 'must be { type: "jwt", ... } or { type: "introspection", ... }')
  const skewPath = 'verifier.clockSkew'
  if (v.type === 'jwt') {
    wrap(() => assertIssuerIdentifier(v.issuer, 'options.verifier.issuer'))
    if (!issuers.includes(v.issuer)) fail('verifier.issuer', 'must be one of options.authorizationServers')
    if (v.jwksUri !== undefined && v.keys !== undefined) fail('verifier', 'takes jwksUri or keys, not both')
    if (v.keys !== undefined && (typeof v.keys !== 'object' || !Array.isArray(v.keys?.keys))) {
      fail('verifier.keys', 'must be a JWK Set ({ keys: [...] })')
    }
    const algorithms = v.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS
    if (!Array.isArray(algorithms) || algorithms.length === 0) fail('verifier.algorithms', 'must be a non-empty list')
    for (const alg of algorithms) {
      if (!(DEFAULT_ALLOWED_ALGORITHMS as readonly string[]).includes(alg) && !/^(RS|PS|ES)(256|384|512)$/.test(alg)) {
        fail('verifier.algorithms', `has "${String(alg)}", not an asymmetric JWS algorithm`)
      }
    }
    const jwks: JwksCacheTuning = {}
    for (const key of ['ttl', 'cooldown', 'timeout', 'maxStaleAge'] as const) {
      if (v.jwks?.[key] !== undefined) jwks[key] = number(v.jwks[key], 0, `verifier.jwks.${key}`)
    }
    return {
      type: 'jwt',
      issuer: v.issuer,
      jwksUri: v.jwksUri === undefined ? undefined : url(v.jwksUri, 'verifier.jwksUri'),
      keys: v.keys === undefined ? undefined : structuredClone(v.keys),
      algorithms: Object.freeze([...algorithms]),
      clockSkew: number(v.clockSkew, DEFAULT_CLOCK_SKEW, skewPath, 300, true),
      jwks: Object.freeze(jwks),
    }
  }
  if (v.type === 'introspection') {
    return {
      type: 'introspection',
      endpoint: url(v.endpoint, 'verifier.endpoint'),
      clientId: nonEmpty(v.clientId, 'verifier.clientId'),
      clientSecret: nonEmpty(v.clientSecret, 'verifier.clientSecret'),
      cacheTtl: number(v.cacheTtl, INTROSPECTION_DEFAULT_CACHE_TTL, 'verifier.cacheTtl', INTROSPECTION_MAX_CACHE_TTL),
      cacheMaxEntries: number(v.cacheMaxEntries, INTROSPECTION_DEFAULT_MAX_ENTRIES, 'verifier.cacheMaxEntries'),
      timeout: number(v.timeout, INTROSPECTION_DEFAULT_TIMEOUT, 'verifier.timeout'),
      clockSkew: number(v.clockSkew, DEFAULT_CLOCK_SKEW, skewPath, 300, true),
    }
  }
  return fail('verifier.type', 'must be "jwt" or "introspection"')
}

/**
 * Checks every option once, fills in defaults and freezes the result; a bad option is a TypeError naming it.
 * The PRM document is built here too, so that a setting RFC 9728 refuses fails at start-up, not on first request.
 *
 * @see RFC 9728 section 2; spec/xaa-protocol.md section 6
 */
export function resolveOptions(options: ResourceServerOptions): ResolvedResourceServerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createResourceServer: options is required')
  const resource = url(options.resource, 'resource')
  if (!Array.isArray(options.authorizationServers) || options.authorizationServers.length === 0) {
    fail('authorizationServers', 'must list at least one issuer')
  }
  const issuers = options.authorizationServers.map((issuer, i) => {
    wrap(() => assertIssuerIdentifier(issuer, `options.authorizationServers[${i}]`))
    return issuer
  })
  let scopes: string[] | undefined
  if (options.scopesSupported !== undefined) {
    if (!Array.isArray(options.scopesSupported)) fail('scopesSupported', 'must be an array of scope tokens')
    scopes = options.scopesSupported.map((scope, i) => {
      // One RFC 6749 scope token per entry: "a b" would smuggle two scopes into one.
      const tokens = wrap(() => parseScope(String(scope)))
      if (tokens.length !== 1 || tokens[0] !== scope) fail(`scopesSupported[${i}]`, 'must be one scope token')
      return scope
    })
  }
  if (options.resourceName !== undefined) nonEmpty(options.resourceName, 'resourceName')
  if (options.clock !== undefined && typeof options.clock !== 'function') fail('clock', 'must be a function')
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('fetch', 'must be a function')
  const verifier = Object.freeze(resolveVerifier(options.verifier, issuers))
  const resolved: ResolvedResourceServerOptions = {
    resource,
    authorizationServers: Object.freeze([...issuers]),
    scopesSupported: scopes === undefined ? undefined : Object.freeze(scopes),
    resourceName: options.resourceName,
    resourceDocumentation: options.resourceDocumentation,
    verifier,
    clock: options.clock ?? Date.now,
    fetch: options.fetch ?? globalThis.fetch,
  }
  // Let protocol's RFC 9728 builder refuse what it refuses (offline_access, bad URLs), with our prefix.
  wrap(() => buildProtectedResourceMetadata(prmOptions(resolved)))
  return Object.freeze(resolved)
}

/** The protocol builder's options for these settings. */
export function prmOptions(o: ResolvedResourceServerOptions) {
  return {
    resource: o.resource,
    authorizationServers: o.authorizationServers,
    ...(o.scopesSupported !== undefined && { scopesSupported: o.scopesSupported }),
    ...(o.resourceName !== undefined && { resourceName: o.resourceName }),
    ...(o.resourceDocumentation !== undefined && { resourceDocumentation: o.resourceDocumentation }),
  }
}
