/**
 * What every console answer shares: the security headers, reading a posted form, and the shape of an action
 * (POST-redirect-GET with a message, a refusal back to the page it came from).
 */
import type { Context, Env, MiddlewareHandler } from 'hono'
import type { Flash } from './cookies.js'

/** The Content-Security-Policy of every console answer: no inline script or style, no framing, forms to self. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

/** Middleware: the CSP, frame denial, no sniffing, same-origin referrers, and `no-store` unless a route cached. */
export function securityHeaders<E extends Env>(): MiddlewareHandler<E> {
  return async (c, next) => {
    await next()
    c.header('Content-Security-Policy', CONSOLE_CSP)
    c.header('X-Frame-Options', 'DENY')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'same-origin')
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store')
  }
}

/**
 * The posted `application/x-www-form-urlencoded` form; empty for another type or a body over `maxBytes` (declared or
 * read), so that its CSRF check fails.
 */
export async function readPostedForm(c: Context, maxBytes: number): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? ''
  const length = Number(c.req.header('content-length') ?? '0')
  const text = /^application\/x-www-form-urlencoded\b/i.test(type) && length <= maxBytes ? await c.req.text() : ''
  return new URLSearchParams(text.length <= maxBytes ? text : '')
}

/** A complete HTML page. */
export function htmlPage(c: Context, page: unknown, status: 200 | 400 | 403 | 404 | 500 = 200): Response {
  return c.html(`<!DOCTYPE html>${page}`, status)
}

/** What an action reports: the message, and where to go (default: back); or its own answer. */
export type Outcome = { flash: Flash; to?: string } | Response

/**
 * Runs a state change. Success: `done` (a redirect with its message). A refusal of the server's operations (what
 * `refusal` recognises: not found, conflict, bad input): back to `back` with the refusal's message. Anything else is
 * a server fault for `onError`.
 */
export async function runAction(
  run: () => Promise<Outcome>,
  back: string,
  done: (to: string, flash: Flash) => Response,
  refusal: (err: unknown) => { message: string } | undefined,
): Promise<Response> {
  try {
    const outcome = await run()
    return outcome instanceof Response ? outcome : done(outcome.to ?? back, outcome.flash)
  } catch (err) {
    const refused = refusal(err)
    if (refused === undefined) throw err
    return done(back, { kind: 'error', text: refused.message })
  }
}

/** One posted value, trimmed ('' when absent). */
export function field(c: { var: { form: URLSearchParams } }, name: string): string {
  return (c.var.form.get(name) ?? '').trim()
}

/** Every non-empty value of a repeated field (checkboxes). */
export function fields(c: { var: { form: URLSearchParams } }, name: string): string[] {
  return c.var.form
    .getAll(name)
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
