/**
 * oidc-provider's endpoints while the database is unavailable: 503 with `Retry-After`, never its `server_error` 500.
 * oidc-provider catches every error of an endpoint itself and answers `server_error`; its `server_error` event hands
 * the error over first, and an outer middleware rewrites the answer when the error was the database
 * (`isDatabaseUnavailable` of `@openxaa/ops`, the same test every server uses). The error is left on the Node request
 * for the Hono route, which reports it to `observe` (the metric and the log line's code).
 * @see ../../../../docs/operations.md "Faults"
 */
import type { IncomingMessage } from 'node:http'
import { databaseUnavailableAnswer, isDatabaseUnavailable, wantsHtml } from '@openxaa/ops'
import type { KoaContextWithOIDC } from 'oidc-provider'

const DATABASE_ERROR = Symbol('openxaa database unavailable')

type Marked = { [DATABASE_ERROR]?: Error }

/** The `server_error` listener's part: remembers a database error for {@link answerDatabaseOutage}. */
export function noteDatabaseError(ctx: KoaContextWithOIDC, err: Error): boolean {
  if (!isDatabaseUnavailable(err)) return false
  ;(ctx.state as Marked)[DATABASE_ERROR] = err
  return true
}

/**
 * The outermost provider middleware: a request that failed on the database (noted by the `server_error` listener, or
 * thrown past oidc-provider's own error handling) is answered 503: JSON for OAuth clients, a plain page for browsers.
 * The authorization endpoint's error redirect to the client is dropped too: the client learns nothing from a
 * `server_error`, and the user can retry the same link.
 */
export async function answerDatabaseOutage(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  try {
    await next()
  } catch (err) {
    if (!(err instanceof Error) || !isDatabaseUnavailable(err)) throw err
    ;(ctx.state as Marked)[DATABASE_ERROR] = err
  }
  const err = (ctx.state as Marked)[DATABASE_ERROR]
  if (err === undefined) return
  const html = wantsHtml(ctx.get('accept'), ctx.response.is('html') ? 'text/html' : undefined)
  const answer = databaseUnavailableAnswer(html ? 'html' : 'json')
  ctx.remove('Location')
  ctx.remove('WWW-Authenticate')
  ctx.status = answer.status
  ctx.set(answer.headers)
  ctx.body = answer.body
  ;(ctx.req as IncomingMessage & Marked)[DATABASE_ERROR] = err
}

/** The database error oidc-provider answered 503 for this request, if any (for the request log and metrics). */
export function answeredDatabaseError(incoming: IncomingMessage): Error | undefined {
  return (incoming as IncomingMessage & Marked)[DATABASE_ERROR]
}
