// What every step of the flow shares, built once per client: options, HTTP, the clock, the store, the log.

import type { DpopSigner } from '../dpop/signer.js'
import type { ResolvedOptions } from '../options.js'
import { emptyTokenStoreData, type TokenStore, type TokenStoreData } from '../token-store/types.js'
import type { HttpContext } from './http.js'

/** A log line's fields: plain values only, so a whole object (a claim set, a response) cannot slip in. */
export type LogFields = Record<string, string | number | boolean | undefined>

/** A debug log sink. The SDK logs steps, servers and lifetimes; never a token, a secret or a code. */
export interface XaaLogger {
  debug(message: string, fields?: LogFields): void
}

/** Serialised read-modify-write over a {@link TokenStore}, so concurrent requests do not lose each other's writes. */
export class StoreAccess {
  readonly #store: TokenStore
  #queue: Promise<unknown> = Promise.resolve()

  constructor(store: TokenStore) {
    this.#store = store
  }

  async read(): Promise<TokenStoreData> {
    await this.#queue.catch(() => {})
    return (await this.#store.read()) ?? emptyTokenStoreData()
  }

  update(change: (data: TokenStoreData) => void): Promise<TokenStoreData> {
    const run = this.#queue.then(async () => {
      const data = (await this.#store.read()) ?? emptyTokenStoreData()
      change(data)
      await this.#store.write(data)
      return data
    })
    this.#queue = run.catch(() => {})
    return run
  }

  clear(): Promise<void> {
    const run = this.#queue.then(() => this.#store.clear())
    this.#queue = run.catch(() => {})
    return run
  }
}

/** Everything a step of the flow needs. */
export interface ClientContext {
  readonly options: ResolvedOptions
  readonly http: HttpContext
  nowSeconds(): number
  nowMs(): number
  readonly store: StoreAccess
  readonly dpop: DpopSigner | undefined
  log(message: string, fields?: LogFields): void
  progress(stage: string): void
}
