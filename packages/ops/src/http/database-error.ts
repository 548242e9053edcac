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
