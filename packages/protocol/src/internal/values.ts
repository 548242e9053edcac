// Shape checks on JSON values shared by the minting and verifying sides.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

/** RFC 7519 NumericDate: seconds since the epoch, non-integer values allowed. */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isNonEmptyString)
}

/** RFC 8707 2: an absolute URI without a fragment. */
export function isAbsoluteUri(value: unknown): value is string {
  if (!isNonEmptyString(value) || value.includes('#') || /\s/.test(value)) return false
  return URL.canParse(value)
}

/**
 * RFC 8414 2: an issuer identifier is a URL with scheme https, no query and no fragment. Plain http is allowed here;
 * servers refuse it unless their plain-HTTP setting is on. Returns the problem, or undefined when fine.
 */
export function issuerUrlProblem(value: unknown): string | undefined {
  if (!isNonEmptyString(value)) return 'is not a non-empty string'
  if (!URL.canParse(value)) return 'is not a URL'
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not an https URL'
  if (url.search !== '' || value.includes('?')) return 'has a query component'
  if (url.hash !== '' || value.includes('#')) return 'has a fragment component'
  if (url.username !== '' || url.password !== '') return 'has user information'
  return undefined
}

/** Current time in epoch seconds, or the injected one after checking it. */
export function resolveNow(now: number | undefined, where: string): number {
  if (now === undefined) return Math.floor(Date.now() / 1000)
  if (!isNumericDate(now)) throw new TypeError(`${where}: now must be epoch seconds`)
  return now
}

export function checkSeconds(value: number | undefined, fallback: number, where: string, allowZero = true): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`${where} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds`)
  }
  return value
}
