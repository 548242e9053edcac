/**
 * The token guard: nothing that looks like a token, a secret or a password reaches the audit table. Values are
 * redacted in place (the event itself is never dropped: a refusal must stay on record) and counted in `redacted`.
 * @see architecture.md "Data that must never be lost or leaked"
 */

/** Replaces a compact JWS or JWE (ID-JAG, ID Token, access token, client assertion). */
export const REDACTED_JWT = '[redacted:jwt]'
/** Replaces a long high-entropy string or the value of a secret-named field. */
export const REDACTED_SECRET = '[redacted:secret]'

/** Dot-separated base64url runs of the compact serialisations: 3 segments (JWS) or 5 (JWE); checked further below. */
const COMPACT_CANDIDATE = /[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?/g
/** Long runs of the base64, base64url and hex alphabets. */
const LONG_RUN = /[A-Za-z0-9+/=_~-]{32,}/g
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HEX = /^[0-9a-f]{40,}$/i
/** `secret=…`, `password: …`, `Bearer …` inside free text. */
const SECRET_ASSIGNMENT =
  /\b((?:client_)?secret|password|passwd|pwd|api[_-]?key|(?:access|refresh|id)_token|assertion|code_verifier)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi
const AUTH_SCHEME = /\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9+/=._~-]{8,}/gi
/** `data` keys whose values are secrets whatever they look like. */
const SECRET_KEY = /secret|password|passwd|pwd|token|assertion|authorization|cookie|private|credential|api[_-]?key/i
/** …unless the key names metadata about a secret rather than the secret (`requested_token_type`, `token_endpoint`). */
const SAFE_SECRET_KEY = /(?:_type|Type|_types|Types|_endpoint|Endpoint|_uri|Uri|_url|Url|_alg|Alg|_method|Method)$/
/** `data` keys holding public identifiers that may be long and random (key ids, thumbprints, pairwise subjects). */
const IDENTIFIER_KEY = /^(?:kid|jti|jkt|sub|subject|sid|x5t#S256|thumbprint)$/

/** Counts redactions while one event is sanitised. */
export class Redactions {
  count = 0
}

function decodesToJsonObject(segment: string): boolean {
  try {
    return Buffer.from(segment, 'base64url').toString('utf8').trimStart().startsWith('{')
  } catch {
    return false
  }
}

/** Redacts compact JWS/JWE serialisations anywhere in `value`. Applied to every string of an event. */
export function redactTokens(value: string, redactions: Redactions): string {
  // Every compact serialisation has two dots at least: most strings of an event (ids, URLs) end here, without the
  // regular expression trying every start position.
  const dot = value.indexOf('.')
  if (dot < 0 || value.indexOf('.', dot + 1) < 0) return value
  return value.replace(COMPACT_CANDIDATE, (match) => {
    if (!decodesToJsonObject(match.slice(0, match.indexOf('.')))) return match
    redactions.count++
    return REDACTED_JWT
  })
}

function looksSecret(run: string): boolean {
  if (UUID.test(run)) return false
  if (HEX.test(run)) return true
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run)
}

/** Redacts tokens, assignments of secrets, credentials after an auth scheme and long random strings: free text. */
export function redactFreeText(value: string, redactions: Redactions): string {
  let out = redactTokens(value, redactions)
  out = out.replace(SECRET_ASSIGNMENT, (match, name: string, sep: string, secret: string) => {
    if (secret.startsWith('[redacted')) return match
    redactions.count++
    return `${name}${sep}${REDACTED_SECRET}`
  })
  out = out.replace(AUTH_SCHEME, (match, scheme: string) => {
    if (match.includes('[redacted')) return match
    redactions.count++
    return `${scheme} ${REDACTED_SECRET}`
  })
  return out.replace(LONG_RUN, (run) => {
    if (run.startsWith('[redacted') || !looksSecret(run)) return run
    redactions.count++
    return REDACTED_SECRET
  })
}

/** Shortens a string to `max` characters. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`
}

const MAX_DATA_DEPTH = 6
const MAX_DATA_STRING = 1000

/** Copies `data` as plain JSON, redacting secret-named fields and secret-looking strings. */
export function sanitizeData(value: unknown, redactions: Redactions, key = '', depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && !SAFE_SECRET_KEY.test(key)) {
      redactions.count++
      return REDACTED_SECRET
    }
    const clean = IDENTIFIER_KEY.test(key) ? redactTokens(value, redactions) : redactFreeText(value, redactions)
    return clip(clean, MAX_DATA_STRING)
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (depth >= MAX_DATA_DEPTH) return '[truncated]'
  if (Array.isArray(value)) return value.map((item) => sanitizeData(item, redactions, key, depth + 1))
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
      out[redactFreeText(k, redactions)] = sanitizeData(v, redactions, k, depth + 1)
    }
    return out
  }
  return undefined
}
