import { ResponseValidationError } from '../response-error.js'

/** One challenge of a `WWW-Authenticate` header. */
export interface WwwAuthenticateChallenge {
  /** The auth-scheme, lower-cased (schemes are case-insensitive, RFC 9110 11.1). */
  scheme: string
  /** auth-params by lower-cased name (names are case-insensitive, RFC 9110 11.2), values unquoted. */
  params: Record<string, string>
  /** The token68 form of credentials, when the challenge carries one instead of auth-params. */
  token68?: string
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y

/**
 * Builds one challenge: `Bearer resource_metadata="https://…", scope="a b", error="insufficient_scope"`.
 * Every value is sent as a quoted-string with `"` and `\` escaped; params whose value is undefined are left out.
 *
 * @example
 * ```ts
 * buildWwwAuthenticate('Bearer', { resource_metadata: prmUrl, scope: 'files:read' })
 * ```
 * @see RFC 9110 section 11.2 (auth-param, quoted-string), RFC 6750 section 3, RFC 9728 section 5.1
 */
export function buildWwwAuthenticate(
  scheme: string,
  params: Readonly<Record<string, string | undefined>> = {},
): string {
  if (!TOKEN.test(scheme)) throw new TypeError('WWW-Authenticate scheme must be an RFC 9110 token')
  const seen = new Set<string>()
  const parts: string[] = []
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    if (!TOKEN.test(name)) throw new TypeError(`WWW-Authenticate parameter name "${name}" is not a token`)
    const lower = name.toLowerCase()
    if (seen.has(lower)) throw new TypeError(`WWW-Authenticate parameter "${name}" appears twice`)
    seen.add(lower)
    parts.push(`${name}="${quote(name, value)}"`)
  }
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`
}

function quote(name: string, value: string): string {
  let out = ''
  for (const c of value) {
    const code = c.codePointAt(0)!
    // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ): anything else cannot be carried in a header.
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) {
      throw new TypeError(`WWW-Authenticate parameter "${name}" has a character a header cannot carry`)
    }
    out += c === '"' || c === '\\' ? `\\${c}` : c
  }
  return out
}

/**
 * Parses every challenge of a `WWW-Authenticate` header value (several headers may be joined with `, `).
 * Commas and escaped quotes inside quoted-strings, any whitespace around `=` and `,`, empty list elements and
 * token68 credentials are handled; a duplicated parameter or broken syntax throws.
 *
 * @example
 * ```ts
 * const [bearer] = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '').filter((c) => c.scheme === 'bearer')
 * bearer?.params.resource_metadata
 * ```
 * @throws ResponseValidationError `ERR_WWW_AUTHENTICATE_MALFORMED`
 * @see RFC 9110 section 11.6.1 (WWW-Authenticate) and 11.2 (challenge grammar)
 */
export function parseWwwAuthenticate(header: string): WwwAuthenticateChallenge[] {
  const h = header
  const challenges: WwwAuthenticateChallenge[] = []
  let current: WwwAuthenticateChallenge | undefined
  let i = 0
  // After `scheme SP`, the next element must be an auth-param (a new challenge needs a comma first).
  let expectParam = false

  const fail = (why: string): never => {
    throw new ResponseValidationError('ERR_WWW_AUTHENTICATE_MALFORMED', `malformed WWW-Authenticate: ${why}`, {
      field: 'WWW-Authenticate',
    })
  }
  const skipWs = () => {
    while (i < h.length && (h[i] === ' ' || h[i] === '\t')) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < h.length && TOKEN_CHAR.test(h[i]!)) i++
    return h.slice(start, i)
  }
  const readQuoted = (): string => {
    i++
    let out = ''
    while (i < h.length) {
      const c = h[i]!
      const code = c.charCodeAt(0)
      if (c === '"') {
        i++
        return out
      }
      if (c === '\\') {
        const next = h[i + 1]
        if (next === undefined) break
        const n = next.charCodeAt(0)
        if ((n < 0x20 && n !== 0x09) || n === 0x7f || n > 0xff) fail('invalid quoted-pair')
        out += next
        i += 2
        continue
      }
      if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) fail('control character in quoted-string')
      out += c
      i++
    }
    return fail('unterminated quoted-string')
  }

  for (;;) {
    skipWs()
    while (h[i] === ',') {
      i++
      skipWs()
      expectParam = false
    }
    if (i >= h.length) break
    const token = readToken()
    if (token === '') fail(`unexpected character at position ${i}`)
    const afterToken = i
    skipWs()
    if (h[i] === '=') {
      if (current === undefined) fail('auth-param before any scheme')
      if (current!.token68 !== undefined) fail('auth-param after token68')
      i++
      skipWs()
      const value = h[i] === '"' ? readQuoted() : readToken()
      if (value === '' && h[i - 1] !== '"') fail(`parameter "${token}" has no value`)
      const name = token.toLowerCase()
      if (Object.hasOwn(current!.params, name)) fail(`parameter "${name}" appears twice`)
      current!.params = Object.fromEntries([...Object.entries(current!.params), [name, value]])
      skipWs()
      if (i < h.length && h[i] !== ',') fail(`unexpected character after parameter "${name}"`)
      expectParam = false
      continue
    }
    if (expectParam) fail(`expected an auth-param, found "${token}"`)
    current = { scheme: token.toLowerCase(), params: {} }
    challenges.push(current)
    if (i >= h.length || h[i] === ',') continue
    if (i === afterToken) fail(`unexpected character after scheme "${token}"`)
    TOKEN68.lastIndex = i
    const m = TOKEN68.exec(h)
    if (m !== null) {
      let j = i + m[0].length
      while (j < h.length && (h[j] === ' ' || h[j] === '\t')) j++
      if (j >= h.length || h[j] === ',') {
        current.token68 = m[0]
        i = j
        continue
      }
    }
    expectParam = true
  }
  return challenges
}
