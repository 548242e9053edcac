import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters, type LocalJWKSet } from 'jose'
import {
  JSON_MEDIA_TYPE,
  JWK_SET_MEDIA_TYPE,
  JWKS_CACHE_DEFAULT_COOLDOWN,
  JWKS_CACHE_DEFAULT_MAX_BYTES,
  JWKS_CACHE_DEFAULT_MAX_STALE_AGE,
  JWKS_CACHE_DEFAULT_TIMEOUT,
  JWKS_CACHE_DEFAULT_TTL,
} from '../constants.js'
import { ProtocolError } from '../errors.js'
import type { KeySource, VerificationKey } from '../keys.js'
import { fetchJwkSet, jwksUriProblem } from './fetch.js'

/** Options of {@link createJwksCache}. Durations are milliseconds, like `Date.now()` and jose's remote key sets. */
export interface JwksCacheOptions {
  /** The issuer's `jwks_uri`: https, or http on a loopback host (127.0.0.1, localhost, [::1]) for tests. */
  uri: string | URL
  fetch?: typeof fetch
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number
  /** A fetched set is fresh this long. Default 10 min. */
  ttl?: number
  /** Minimum interval between fetches triggered by an unknown `kid` or after a failure. Default 30 s. */
  cooldown?: number
  /** Abort a fetch after this long, body included. Default 5 s. */
  timeout?: number
  /** Refuse a body larger than this many bytes (stops reading at the cap). Default 64 KiB. */
  maxBytes?: number
  /** Serve the last good set this long after it was fetched while the issuer is unreachable. Default 1 h. */
  maxStaleAge?: number
}

/** Counters for monitoring one cache. */
export interface JwksCacheStats {
  /** Fetch attempts, successful or not. */
  fetches: number
  failures: number
  /** Members of the current set usable for verification. */
  keys: number
  /** When the current set was fetched (epoch ms), if ever. */
  fetchedAt: number | undefined
  /** Private reason of the last failed fetch, if the last fetch failed. */
  lastError: string | undefined
}

/** A {@link KeySource} over a remote JWK Set, with `refresh()` and `stats`. */
export interface JwksCache extends KeySource {
  /** Fetches now (joining a fetch in flight); rejects with `ERR_JWKS_UNAVAILABLE`, keeping the last good set. */
  refresh(): Promise<void>
  readonly stats: JwksCacheStats
  /** A copy of the current key set (verification members only), if one was fetched. */
  jwks(): JSONWebKeySet | undefined
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createJwksCache: ${name} must be a positive number`)
  }
  return value
}

/**
 * Caches a trusted issuer's remote JWK Set: fresh for `ttl`; an unknown `kid` refetches at most once per `cooldown`
 * (so rotated-in keys work and removed keys stop validating); fetches time out and are size-capped; while the issuer
 * is unreachable the last good set is served up to `maxStaleAge`. Keys named by a token (`jku`, `x5u`, `jwk`, `x5c`)
 * are never fetched or used, and only asymmetric `sig` keys are kept. Fetch failures reject with a
 * {@link ProtocolError} `ERR_JWKS_UNAVAILABLE`; an unknown `kid` with jose's `JWKSNoMatchingKey`.
 *
 * @example
 * const keys = createJwksCache({ uri: 'https://idp.example/jwks' })
 * await verifyIdJag(assertion, { ...ctx, trustedIssuer: (iss) => ({ issuer: iss, keys }) })
 * @see spec/xaa-protocol.md section 2(d) step 4, checklist items 16 and 28
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const uri = new URL(options.uri)
  const uriProblem = jwksUriProblem(uri)
  if (uriProblem !== undefined) throw new TypeError(`createJwksCache: uri ${uriProblem}`)
  const fetchImpl = options.fetch ?? globalThis.fetch
  const clock = options.clock ?? Date.now
  const ttl = positive(options.ttl, JWKS_CACHE_DEFAULT_TTL, 'ttl')
  const cooldown = positive(options.cooldown, JWKS_CACHE_DEFAULT_COOLDOWN, 'cooldown')
  const timeout = positive(options.timeout, JWKS_CACHE_DEFAULT_TIMEOUT, 'timeout')
  const maxBytes = positive(options.maxBytes, JWKS_CACHE_DEFAULT_MAX_BYTES, 'maxBytes')
  const maxStaleAge = positive(options.maxStaleAge, JWKS_CACHE_DEFAULT_MAX_STALE_AGE, 'maxStaleAge')
  const accept = `${JWK_SET_MEDIA_TYPE}, ${JSON_MEDIA_TYPE}`

  let current: { set: JSONWebKeySet; local: LocalJWKSet; fetchedAt: number } | undefined
  let inFlight: Promise<void> | undefined
  let lastAttemptAt: number | undefined
  let lastError: ProtocolError | undefined
  const counters = { fetches: 0, failures: 0 }

  function load(): Promise<void> {
    if (inFlight !== undefined) return inFlight
    lastAttemptAt = clock()
    counters.fetches++
    inFlight = fetchJwkSet(uri, { fetch: fetchImpl, timeout, maxBytes, accept })
      .then(
        (set) => {
          current = { set, local: createLocalJWKSet(set), fetchedAt: clock() }
          lastError = undefined
        },
        (err: Error) => {
          counters.failures++
          lastError = new ProtocolError('ERR_JWKS_UNAVAILABLE', 'the issuer keys are unavailable', {
            detail: `JWKS fetch from ${uri.origin} failed: ${err.message}`,
          })
          throw lastError
        },
      )
      .finally(() => {
        inFlight = undefined
      })
    return inFlight
  }

  // Fetch unless one happened within the cooldown; a failure is swallowed while the stale set may still serve.
  async function loadIfAllowed(now: number): Promise<void> {
    if (inFlight === undefined && lastAttemptAt !== undefined && now - lastAttemptAt < cooldown) return
    await load().catch(() => {})
  }

  function usable(now: number): LocalJWKSet {
    if (current === undefined || now - current.fetchedAt > Math.max(ttl, maxStaleAge)) {
      throw (
        lastError ??
        new ProtocolError('ERR_JWKS_UNAVAILABLE', 'the issuer keys are unavailable', {
          detail: current === undefined ? 'no key set fetched yet' : 'the cached key set is older than maxStaleAge',
        })
      )
    }
    return current.local
  }

  const source = async (header: JWSHeaderParameters): Promise<VerificationKey> => {
    // Only alg and kid select a key: whatever else the token's header says is never followed.
    const selector = { alg: header.alg, kid: header.kid }
    const now = clock()
    if (current === undefined || now - current.fetchedAt >= ttl) await loadIfAllowed(now)
    try {
      return await usable(now)(selector)
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err
      // Unknown kid: the issuer may have rotated. Refetch, at most once per cooldown.
      const [before, attemptedBefore] = [current, lastAttemptAt]
      await loadIfAllowed(now)
      if (current === before) throw lastAttemptAt !== attemptedBefore && lastError !== undefined ? lastError : err
      return usable(clock())(selector)
    }
  }

  // defineProperty, not Object.assign: assign would read the stats getter once and freeze its value.
  return Object.defineProperties(source, {
    refresh: { value: () => load() },
    jwks: { value: () => (current === undefined ? undefined : structuredClone(current.set)) },
    stats: {
      enumerable: true,
      get: (): JwksCacheStats => ({
        ...counters,
        keys: current?.set.keys.length ?? 0,
        fetchedAt: current?.fetchedAt,
        lastError: lastError?.detail,
      }),
    },
  }) as JwksCache
}
