// URI checks shared by request parsing (RFC 8707 resources) and metadata (RFC 8414 / RFC 9728 identifiers).

/** Any character that can never appear in a URI (RFC 3986 2): whitespace, controls, DEL, and anything non-ASCII. */
const NON_URI_CHARACTER = /[^\x21-\x7e]/

/** True when `value` has a character that no URI may contain (the URL parser would silently strip or encode it). */
export function hasNonUriCharacter(value: string): boolean {
  return NON_URI_CHARACTER.test(value)
}

/**
 * Parses an absolute URI (RFC 3986 4.3: a scheme, no fragment allowed here) or returns undefined. The raw string
 * must already be a URI: WHATWG URL would otherwise trim, drop tabs or percent-encode what it is given.
 */
export function parseAbsoluteUri(value: string): URL | undefined {
  if (value.length === 0 || hasNonUriCharacter(value)) return undefined
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** Loopback hosts where plain `http` is tolerated (RFC 8252 7.3 reasoning: traffic never leaves the machine). */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/** `https`, or `http` on a loopback host. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/** Why `value` is not an https (or loopback http) URL without fragment, or undefined when it is one. */
export function httpsUrlProblem(value: unknown, options: { query?: boolean } = {}): string | undefined {
  if (typeof value !== 'string') return 'must be a string'
  const url = parseAbsoluteUri(value)
  if (url === undefined) return 'must be an absolute URL'
  if (!isSecureOrLoopback(url)) return 'must use https (http only on a loopback host)'
  if (url.username !== '' || url.password !== '') return 'must not carry user information'
  if (value.includes('#')) return 'must not have a fragment'
  if (options.query === false && value.includes('?')) return 'must not have a query'
  return undefined
}
