/**
 * Tells a database outage from a bug: driver error codes of SQLite, PostgreSQL and Node's sockets, searched along
 * the `cause` chain. A request that fails on one is answered 503 with `Retry-After`, not 500.
 * @see ../../../../docs/operations.md "Faults"
 */

// SQLite result codes; PostgreSQL SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention) and
// 42501 (privilege revoked); socket errors of a pool that lost its server.
const CODE =
  /^(28000$|28P01$|3D000$|SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|READONLY|FULL|NOTADB|PERM|CORRUPT)|08|53|57P|42501$|ECONNREFUSED$|ECONNRESET$|ETIMEDOUT$|EPIPE$|ENOTFOUND$|EAI_AGAIN$)/
const MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|database is locked|unable to open database|The database connection is not open|permission denied for (schema|table|relation)/i

/** True when `err` (or one of its causes) is the database being unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && CODE.test(code)) return true
    const message = (e as { message?: unknown }).message
    if (typeof message === 'string' && MESSAGE.test(message)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/** The answer to a request that failed because the database is unavailable. */
export interface DatabaseUnavailableAnswer {
  status: 503
  headers: Record<string, string>
  body: string
}

const UNAVAILABLE_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>' +
  '<body><h1>Temporarily unavailable</h1><p>The service cannot reach its database. Try again in a moment.</p>' +
  '</body></html>'

/**
 * The 503 for a database outage, written once for every server and framework (Hono routes through `observe`, the
 * IdP's oidc-provider through Koa): `{"error":"temporarily_unavailable"}` for APIs, a short plain page (no layout, no
 * database needed to render it) for a browser, `Retry-After` either way.
 */
export function databaseUnavailableAnswer(format: 'json' | 'html', retryAfterSeconds = 1): DatabaseUnavailableAnswer {
  const headers = { 'Cache-Control': 'no-store', 'Retry-After': String(retryAfterSeconds) }
  if (format === 'html') {
    return { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' }, body: UNAVAILABLE_PAGE }
  }
  return {
    status: 503,
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      error: 'temporarily_unavailable',
      error_description: 'the database is unavailable, retry later',
    }),
  }
}

/**
 * Whether a failed request gets the page rather than JSON: the answer it replaces was a page, or the client asked
 * for HTML (a browser's `Accept`). API clients send `application/json` or `*\/*` and get JSON.
 */
export function wantsHtml(accept: string | undefined, replacedContentType?: string | null): boolean {
  return /^text\/html\b/i.test(replacedContentType ?? '') || /\btext\/html\b/i.test(accept ?? '')
}
