/** What every part of the IdP shares: the store, the options, the clock, the logger, the provider holder. */
import type { JsonLogger, RateLimiter, ServerMetrics } from '@openxaa/ops'
import { type Clock, nowMs, type Store } from '@openxaa/store'
import type { ResolvedIdpOptions } from './options.js'
import type { ProviderHolder } from './provider/holder.js'
import type { IdTokenKeys } from './token-exchange/id-token-keys.js'

/** Where the IdP reports operational events (never a token, secret or password). */
export interface IdpLogger {
  info(message: string, data?: Record<string, unknown>): void
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

/** What `createIdp` needs from outside. */
export interface IdpDeps {
  /** The open store (schema migrated): directory, policy, keys, sessions, audit. */
  store: Store
  /** Injected time (epoch ms or Date); default `Date.now`. */
  clock?: Clock
  logger?: IdpLogger
  /** Prometheus families to feed (served at `/metrics`); default: a new set. */
  metrics?: ServerMetrics
  /** Where the one-line-per-request JSON log goes; default: nowhere (the CLI passes a JSON logger to stdout). */
  requestLogger?: JsonLogger
  /** Requests served at once before new ones get 503 with Retry-After; default 256, 0 = no limit. */
  maxInFlight?: number
}

/** The shared runtime of one IdP instance; nothing here is module-level state. */
export interface IdpRuntime {
  readonly store: Store
  readonly options: ResolvedIdpOptions
  /** Current time, epoch ms. */
  now(): number
  readonly logger: IdpLogger
  readonly provider: ProviderHolder
  /** The published keys, for checking ID tokens presented at the token exchange. */
  readonly idTokenKeys: IdTokenKeys
  /** A hash verified against when a username is unknown, so that timing does not reveal which usernames exist. */
  readonly dummyPasswordHash: Promise<string>
  /** Per-address and per-client limits of the credential endpoints. */
  readonly rateLimiter: RateLimiter
}

/** Warnings and errors to the console; info is dropped. */
export const consoleLogger: IdpLogger = {
  info() {},
  warn: (message, data) => console.warn(`openxaa-idp: ${message}`, data ?? ''),
  error: (message, data) => console.error(`openxaa-idp: ${message}`, data ?? ''),
}

/** Epoch ms from the injected clock. */
export function clockNow(clock: Clock | undefined): () => number {
  const c = clock ?? Date.now
  return () => nowMs(c)
}
