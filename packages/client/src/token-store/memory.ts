import type { TokenStore, TokenStoreData } from './types.js'

/**
 * A {@link TokenStore} in memory: for tests, servers that hold sessions elsewhere, or a session handed in
 * (the document is deep-copied in and out, so callers cannot change it behind the client's back).
 *
 * @example
 * ```ts
 * const xaa = createXaaClient(options, { store: new MemoryTokenStore() })
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  #data: TokenStoreData | undefined

  constructor(initial?: TokenStoreData) {
    this.#data = initial === undefined ? undefined : structuredClone(initial)
  }

  async read(): Promise<TokenStoreData | undefined> {
    return this.#data === undefined ? undefined : structuredClone(this.#data)
  }

  async write(data: TokenStoreData): Promise<void> {
    this.#data = structuredClone(data)
  }

  async clear(): Promise<void> {
    this.#data = undefined
  }
}
