/**
 * What one auth server instance shares between requests: the store, the frozen options, the injected clock and
 * fetch, and the caches of remote key sets and client metadata. No module-level state: two instances in one
 * process share nothing.
 * @see ../../../../shared/style.md sections 3 and 9
 */
import {
  type JwksCache,
  type KeySource,
  ProtocolError,
  type SigningAlgorithm,
  type SigningKey,
  staticKeySource,
} from '@openxaa/protocol'
import { type Clock, nowMs, type Store } from '@openxaa/store'
import type { AuthenticatedClient } from './client-auth/authenticate.js'
import { BoundedMap } from './internal/bounded-map.js'
import { type AuthServerOptions, parseOptions, type ResolvedOptions } from './options.js'

/** Where the server reports what an operator must see (never a token or secret). Default: `console`. */
export interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** What an auth server needs from outside: an open store, and optionally time, fetch and a logger. */
export interface AuthServerDeps {
  /** From `openStore()`; migrations applied. */
  store: Store
  /** Epoch milliseconds or a Date; default `Date.now`. */
  clock?: Clock
  /** Used for trusted issuers' metadata and key sets; default `globalThis.fetch`. */
  fetch?: typeof fetch
  logger?: Logger
}

/**
 * The state {@link redeemIdJag} and every route work with. Build it with {@link createRedemptionContext}, or get
 * the one a server uses from `createAuthServer(...).context`.
 */
export interface RedemptionContext {
  readonly store: Store
  readonly options: ResolvedOptions
  readonly fetch: typeof fetch
  readonly logger: Logger
  /** Epoch milliseconds. */
  nowMs(): number
  /** Epoch seconds. */
  nowSeconds(): number
  /** The key that signs access tokens now (created on first use). */
  signingKey(): Promise<SigningKey>
  /** This server's published keys, for verifying its own access tokens. */
  verificationKeys(): Promise<KeySource>
  /** Remote key sets by URL (trusted issuers, clients). */
  readonly jwksCaches: BoundedMap<string, JwksCache>
  /** Fetched Client ID Metadata Documents by URL. */
  readonly clientMetadata: BoundedMap<string, { fetchedAt: number; document: Record<string, unknown> }>
}

/** Typed `c.var` of the Hono app. */
export interface AppEnv {
  Variables: {
    requestId: string
    client: AuthenticatedClient
    adminKeyId: string
  }
}

function checkStore(store: unknown): asserts store is Store {
  const s = store as Partial<Store> | undefined
  if (!s || typeof s !== 'object' || !s.authServer || !s.keys || !s.replay || !s.audit) {
    throw new TypeError('deps.store must be an open store from @openxaa/store (openStore())')
  }
}

/**
 * Builds the shared state of a redeemer from its dependencies and options (checked and frozen here).
 * @example const context = createRedemptionContext({ store }, { issuer: 'https://as.chat.example' })
 * @see spec/xaa-protocol.md section 2(d)
 */
export function createRedemptionContext(deps: AuthServerDeps, options: AuthServerOptions): RedemptionContext {
  if (typeof deps !== 'object' || deps === null) throw new TypeError('deps must be an object')
  checkStore(deps.store)
  const clock = deps.clock ?? Date.now
  if (typeof clock !== 'function') throw new TypeError('deps.clock must be a function')
  const fetchImpl = deps.fetch ?? globalThis.fetch
  if (typeof fetchImpl !== 'function') throw new TypeError('deps.fetch must be a fetch function')
  const logger = deps.logger ?? console
  if (typeof logger?.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError('deps.logger must have warn() and error()')
  }
  const resolved = parseOptions(options)
  const { store } = deps
  const purpose = resolved.keyPurpose
  let ensured: Promise<unknown> | undefined
  const ensure = () => {
    ensured ??= store.keys.ensure(purpose, { alg: 'ES256' }).catch((err) => {
      ensured = undefined
      throw err
    })
    return ensured
  }
  return Object.freeze({
    store,
    options: resolved,
    fetch: fetchImpl,
    logger,
    nowMs: () => nowMs(clock),
    nowSeconds: () => Math.floor(nowMs(clock) / 1000),
    async signingKey(): Promise<SigningKey> {
      await ensure()
      const key = await store.keys.current(purpose, nowMs(clock))
      if (!['ES256', 'RS256', 'PS256', 'EdDSA'].includes(key.alg)) {
        throw new ProtocolError('ERR_PARAMETER_INVALID', 'server key configuration error', {
          oauthError: 'server_error',
          detail: `signing key ${key.kid} uses ${key.alg}, which access tokens do not use`,
        })
      }
      return { kid: key.kid, alg: key.alg as SigningAlgorithm, privateKey: key.privateKey }
    },
    async verificationKeys(): Promise<KeySource> {
      await ensure()
      return staticKeySource((await store.keys.publicJwks(purpose, nowMs(clock))) as { keys: [] })
    },
    jwksCaches: new BoundedMap<string, JwksCache>(1000),
    clientMetadata: new BoundedMap<string, { fetchedAt: number; document: Record<string, unknown> }>(1000),
  })
}
