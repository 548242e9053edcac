/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition format
 * (version 0.0.4) by hand. One registry per server instance; nothing is module-level.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */

/** Label names to values. Values are escaped on output; keep their set bounded (routes, codes: never ids). */
export type Labels = Readonly<Record<string, string>>

/** The media type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Default latency buckets in seconds, from 1 ms to 10 s. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

// A label set beyond this many per metric is folded into one `other` series, so a hostile caller cannot grow memory.
const MAX_SERIES = 1000
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function labelKey(labels: Labels): string {
  const names = Object.keys(labels).sort()
  return names.map((n) => `${n}="${escapeLabel(labels[n] ?? '')}"`).join(',')
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Number.POSITIVE_INFINITY) return '+Inf'
  if (n === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(n)
}

interface Family {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  render(): string[]
}

/** A monotonically increasing count. */
export class Counter implements Family {
  readonly type = 'counter' as const
  readonly #series = new Map<string, number>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError('a counter only goes up')
    let key = labelKey(labels)
    if (!this.#series.has(key) && this.#series.size >= MAX_SERIES) key = 'overflow="true"'
    this.#series.set(key, (this.#series.get(key) ?? 0) + by)
  }
  /** The current value of one series (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.#series.get(labelKey(labels)) ?? 0
  }
  render(): string[] {
    return [...this.#series].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${formatNumber(v)}`)
  }
}

/** A value read when scraped (in-flight requests, memory). */
export class Gauge implements Family {
  readonly type = 'gauge' as const
  readonly #series = new Map<string, number>()
  readonly #collect: (() => number) | undefined
  constructor(
    readonly name: string,
    readonly help: string,
    collect?: () => number,
  ) {
    this.#collect = collect
  }
  /** Sets the series of `labels`. */
  set(value: number, labels: Labels = {}): void {
    this.#series.set(labelKey(labels), value)
  }
  render(): string[] {
    if (this.#collect) this.set(this.#collect())
    return [...this.#series].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${formatNumber(v)}`)
  }
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram implements Family {
  readonly type = 'histogram' as const
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>()
  readonly #buckets: readonly number[]
  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ) {
    this.#buckets = [...buckets].sort((a, b) => a - b)
  }
  /** Records one observation (seconds, for latencies). */
  observe(value: number, labels: Labels = {}): void {
    let key = labelKey(labels)
    if (!this.#series.has(key) && this.#series.size >= MAX_SERIES) key = 'overflow="true"'
    let s = this.#series.get(key)
    if (!s) {
      s = { counts: this.#buckets.map(() => 0), sum: 0, count: 0 }
      this.#series.set(key, s)
    }
    for (let i = 0; i < this.#buckets.length; i++)
      if (value <= (this.#buckets[i] ?? 0)) s.counts[i] = (s.counts[i] ?? 0) + 1
    s.sum += value
    s.count++
  }
  render(): string[] {
    const lines: string[] = []
    for (const [key, s] of this.#series) {
      const sep = key ? ',' : ''
      this.#buckets.forEach((b, i) => {
        lines.push(`${this.name}_bucket{${key}${sep}le="${formatNumber(b)}"} ${s.counts[i] ?? 0}`)
      })
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${s.count}`)
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${formatNumber(s.sum)}`)
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`)
    }
    return lines
  }
}

/** The metrics of one server; `render()` is the body of `GET /metrics`. */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>()
  #add<T extends Family>(family: T): T {
    if (!NAME.test(family.name)) throw new TypeError(`metric name ${family.name} is not a Prometheus name`)
    const existing = this.#families.get(family.name)
    if (existing) {
      if (existing.type !== family.type) throw new TypeError(`metric ${family.name} is already a ${existing.type}`)
      return existing as T
    }
    this.#families.set(family.name, family)
    return family
  }
  /** The counter `name` (made on first call, the same object after). */
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help))
  }
  /** The gauge `name`; `collect` is read at each scrape. */
  gauge(name: string, help: string, collect?: () => number): Gauge {
    return this.#add(new Gauge(name, help, collect))
  }
  /** The histogram `name`. */
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets))
  }
  /** The text exposition of every family, `# HELP` and `# TYPE` first. */
  render(): string {
    const out: string[] = []
    for (const f of this.#families.values()) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`)
      out.push(...f.render())
    }
    return `${out.join('\n')}\n`
  }
}
