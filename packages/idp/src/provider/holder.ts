/**
 * Holds the current oidc-provider instance. oidc-provider takes its signing keys at construction, so a key rotation
 * (through this replica, or noticed by comparing the current `kid` in the store every `keyCheckInterval`) builds a new
 * instance; requests already running finish on the old one. Sessions, grants and tokens live in the store, so nothing
 * is lost in the swap.
 */
import type { CurrentSigningKey, KeyStore } from '@openxaa/store'
import type Provider from 'oidc-provider'

/** Purpose of the IdP's signing keys in the key store. */
export const IDP_KEY_PURPOSE = 'idp'

/** A provider instance with its Node request listener. */
export interface ProviderInstance {
  readonly provider: Provider
  readonly kid: string
  readonly listener: ReturnType<Provider['callback']>
}

/** Builds provider instances and swaps them when the signing key changes. */
export class ProviderHolder {
  readonly #keys: KeyStore
  readonly #build: (key: CurrentSigningKey) => Provider
  readonly #intervalMs: number
  readonly #now: () => number
  #current: ProviderInstance | undefined
  #pending: Promise<ProviderInstance> | undefined
  #checkedAt = Number.NEGATIVE_INFINITY

  constructor(keys: KeyStore, build: (key: CurrentSigningKey) => Provider, intervalMs: number, now: () => number) {
    this.#keys = keys
    this.#build = build
    this.#intervalMs = intervalMs
    this.#now = now
  }

  /** The current instance, after a key check when one is due. */
  async get(): Promise<ProviderInstance> {
    const current = this.#current
    const elapsed = this.#now() - this.#checkedAt
    // A clock that went backwards (NTP step) also triggers a check, rather than none until it catches up.
    if (current !== undefined && elapsed >= 0 && elapsed < this.#intervalMs) return current
    return this.refresh()
  }

  /** Reads the current key now and rebuilds the provider if it changed (one check at a time). */
  refresh(): Promise<ProviderInstance> {
    this.#pending ??= (async () => {
      try {
        const key = await this.#keys.current(IDP_KEY_PURPOSE, this.#now())
        this.#checkedAt = this.#now()
        if (this.#current?.kid !== key.kid) {
          const provider = this.#build(key)
          this.#current = { provider, kid: key.kid, listener: provider.callback() }
        }
        return this.#current!
      } finally {
        this.#pending = undefined
      }
    })()
    return this.#pending
  }
}
