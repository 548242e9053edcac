// A Map that forgets its oldest entries past a size cap: caches keyed by caller-supplied values (client id URLs,
// issuers) must not grow without bound.
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>()
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      // Refresh recency: re-insert at the end.
      this.#map.delete(key)
      this.#map.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    while (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as K)
  }

  delete(key: K): void {
    this.#map.delete(key)
  }

  clear(): void {
    this.#map.clear()
  }
}
