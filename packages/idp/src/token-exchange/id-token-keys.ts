/**
 * The IdP's own published keys, as a jose key set for checking ID tokens presented as subject tokens. Reading the
 * key rows and importing the JWKs on every token exchange cost more than the signature check itself; the set is
 * now kept for `keyCheckInterval` (the interval at which the provider also picks up a rotation), rebuilt only when
 * the published keys changed, and re-read at once when a token names a key it does not hold (a rotation made by
 * another replica verifies without waiting).
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) step 2
 */
import type { KeyStore } from '@openxaa/store'
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { IDP_KEY_PURPOSE } from '../provider/holder.js'

/** A snapshot of the published keys. */
export interface IdTokenKeySet {
  /** Selects a key by the token's `kid` and `alg`. */
  readonly keys: JWTVerifyGetKey
  /** The algorithms of the published keys (the allow-list of the check). */
  readonly algorithms: readonly string[]
  /** Identifies the snapshot: the published JWKS as JSON. */
  readonly version: string
}

/** Holds the current snapshot; one per IdP instance. */
export class IdTokenKeys {
  readonly #store: KeyStore
  readonly #intervalMs: number
  readonly #now: () => number
  #current: IdTokenKeySet | undefined
  #checkedAt = Number.NEGATIVE_INFINITY
  #pending: Promise<IdTokenKeySet> | undefined

  constructor(store: KeyStore, intervalMs: number, now: () => number) {
    this.#store = store
    this.#intervalMs = intervalMs
    this.#now = now
  }

  /** The snapshot, re-read when older than the interval (or when `refresh`), one read at a time. */
  get(refresh = false): Promise<IdTokenKeySet> {
    const elapsed = this.#now() - this.#checkedAt
    // A clock that went backwards also re-reads rather than trusting an age it cannot tell.
    if (!refresh && this.#current !== undefined && elapsed >= 0 && elapsed < this.#intervalMs) {
      return Promise.resolve(this.#current)
    }
    this.#pending ??= this.#read().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #read(): Promise<IdTokenKeySet> {
    const jwks = (await this.#store.publicJwks(IDP_KEY_PURPOSE)) as JSONWebKeySet
    const version = JSON.stringify(jwks)
    this.#checkedAt = this.#now()
    if (this.#current?.version !== version) {
      this.#current = {
        keys: createLocalJWKSet(jwks),
        algorithms: [...new Set(jwks.keys.map((k) => k.alg).filter((a): a is string => typeof a === 'string'))],
        version,
      }
    }
    return this.#current
  }
}
