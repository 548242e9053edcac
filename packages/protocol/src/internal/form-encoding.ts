// application/x-www-form-urlencoded components (WHATWG URL 5), strictly.

const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/

/**
 * Decodes one name or value: '+' is a space, then strict percent-decoding. Returns undefined for a stray '%' or
 * bytes that are not UTF-8, where URLSearchParams would keep the '%' or substitute U+FFFD.
 */
export function formDecode(raw: string): string | undefined {
  // Most values (a JWT, a grant type URN, a client id) hold neither: they decode to themselves. Skipping the regex
  // and decodeURIComponent there matters because a token request carries a kilobyte-long JWT or two.
  if (!raw.includes('%') && !raw.includes('+')) return raw
  if (BAD_PERCENT.test(raw)) return undefined
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}

/** Encodes one name or value the way URLSearchParams does (space as '+', only `*-._` and alphanumerics kept). */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+')
}
