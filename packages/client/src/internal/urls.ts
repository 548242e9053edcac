// URL checks for what the client is configured with or discovers. Issuers of other vendors may end in "/"
// (the client compares them exactly, it does not publish them), so this is looser than protocol's check.

function parse(value: unknown): URL | undefined {
  if (typeof value !== 'string' || /[^\x21-\x7e]/.test(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)

/** https, or http on a loopback host, without user information or fragment. */
export function isHttpsOrLoopbackUrl(value: unknown): value is string {
  const url = parse(value)
  if (url === undefined) return false
  if (url.username !== '' || url.password !== '' || (value as string).includes('#')) return false
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
}

/** Throws a TypeError naming `path` unless `value` can be an issuer identifier (RFC 8414 2). */
export function assertIssuerIdentifierLoose(value: unknown, path: string): asserts value is string {
  if (!isHttpsOrLoopbackUrl(value) || value.includes('?')) {
    throw new TypeError(`${path} must be an https URL without query or fragment (http only on loopback)`)
  }
}

/** The server URL as the cache key: no fragment (RFC 8707 2), query kept. */
export function canonicalServerUrl(value: string): string {
  if (!isHttpsOrLoopbackUrl(value.split('#')[0])) {
    throw new TypeError('server URL must be an https URL (http only on loopback)')
  }
  const url = new URL(value)
  url.hash = ''
  return url.href
}
