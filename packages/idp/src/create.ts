/**
 * `createIdp(deps, options)`: the enterprise IdP as a Hono app. Options are checked and frozen first; the IdP's
 * signing key is created in the store if none exists; oidc-provider is built from it.
 * @see ../../../../shared/architecture.md (the IdP role), ../README.md
 */
import { createServerMetrics, instrumentStore, type JsonLogger, type ServerMetrics } from '@openxaa/ops'
import type { Hono } from 'hono'
import { adminRoutes } from './admin/api/index.js'
import { buildApp, type IdpEnv } from './app.js'
import { consoleRoutes } from './console/index.js'
import { clockNow, consoleLogger, type IdpDeps, type IdpRuntime } from './context.js'
import { dummyPasswordHash } from './directory/password.js'
import { type IdpOptions, parseOptions } from './options.js'
import { buildProvider } from './provider/build.js'
import { IDP_KEY_PURPOSE, ProviderHolder } from './provider/holder.js'
import { createIdpRateLimiter } from './rate-limit.js'
import { IdTokenKeys } from './token-exchange/id-token-keys.js'

/** A running IdP: serve `fetch` (or `app`) with `@hono/node-server`. */
export interface Idp {
  readonly app: Hono<IdpEnv>
  /** `app.fetch`, for `serve({ fetch })`. */
  readonly fetch: Hono<IdpEnv>['fetch']
  /** The frozen options. */
  readonly options: ReturnType<typeof parseOptions>
  /** The Prometheus families this IdP feeds (also served at `/metrics`). */
  readonly metrics: ServerMetrics
  /** Stops background work and closes the rate limiter's Redis connection. The store belongs to the caller. */
  close(): Promise<void>
}

const QUIET: JsonLogger = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * Builds the IdP. Throws a TypeError naming the option when an option is wrong.
 * @example
 * const store = await openStore()
 * const idp = await createIdp({ store }, { issuer: 'https://idp.acme.example', tenant: 'acme', cookieKeys: [secret] })
 * serve({ fetch: idp.fetch, port: 3000 })
 * @see ../../../../shared/spec/xaa-protocol.md sections 2(a), 2(b), 2(c)
 */
export async function createIdp(deps: IdpDeps, options: IdpOptions): Promise<Idp> {
  const resolved = parseOptions(options)
  if (typeof deps?.store?.keys?.current !== 'function') throw new TypeError('deps.store must be an open store')
  const now = clockNow(deps.clock)
  const logger = deps.logger ?? consoleLogger
  await deps.store.keys.ensure(IDP_KEY_PURPOSE, { alg: 'ES256' })
  const metrics = deps.metrics ?? createServerMetrics()
  const maxInFlight = deps.maxInFlight ?? 256
  if (!Number.isInteger(maxInFlight) || maxInFlight < 0) throw new TypeError('deps.maxInFlight must be an integer >= 0')

  const runtime: IdpRuntime = {
    store: instrumentStore(deps.store, metrics),
    options: resolved,
    now,
    logger,
    provider: undefined as unknown as ProviderHolder,
    idTokenKeys: new IdTokenKeys(deps.store.keys, resolved.keyCheckInterval * 1000, now),
    dummyPasswordHash: dummyPasswordHash(resolved.passwordHashCost),
    rateLimiter: createIdpRateLimiter(deps.store, resolved, now, metrics, logger),
  }
  Object.assign(runtime, {
    provider: new ProviderHolder(
      deps.store.keys,
      (key) => buildProvider(runtime, key),
      resolved.keyCheckInterval * 1000,
      now,
    ),
  })
  await runtime.provider.refresh()
  const app = buildApp(
    runtime,
    [...(resolved.adminApi ? [adminRoutes(runtime)] : []), ...(resolved.console ? [consoleRoutes(runtime)] : [])],
    { metrics, requestLogger: deps.requestLogger ?? QUIET, maxInFlight },
  )
  return {
    app,
    fetch: app.fetch,
    options: resolved,
    metrics,
    async close() {
      await runtime.rateLimiter.close()
    },
  }
}
