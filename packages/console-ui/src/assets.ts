/**
 * A console's static files: one style sheet and one script, each served under a name carrying a hash of its content
 * with a one-year immutable cache, so that pages reference them by name and the CSP stays `'self'` only.
 */
import { createHash } from 'node:crypto'
import type { Env, Hono } from 'hono'
import { CONSOLE_JS } from './script.js'

/** The hashed files of one console, and how to serve them. */
export interface ConsoleAssets {
  /** Paths of the assets below `base`, for the layout. */
  paths(base: string): { css: string; js: string }
  /** Serves the assets (with any other name: 404). */
  mount<E extends Env>(app: Hono<E>, base: string): void
}

function hashed(name: string, ext: string, body: string) {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12).replace(/[-_]/g, 'x')
  return { file: `${name}.${hash}.${ext}`, body }
}

/**
 * The assets of a console with the style sheet `css` (see `consoleStyle`) and the shared script.
 * @example const assets = consoleAssets(consoleStyle(brand)); assets.mount(app, '/console')
 */
export function consoleAssets(css: string): ConsoleAssets {
  const CSS = hashed('console', 'css', css)
  const JS = hashed('console', 'js', CONSOLE_JS)
  const cache = 'public, max-age=31536000, immutable'
  return Object.freeze({
    paths: (base: string) => ({ css: `${base}/assets/${CSS.file}`, js: `${base}/assets/${JS.file}` }),
    mount<E extends Env>(app: Hono<E>, base: string): void {
      app.get(`${base}/assets/${CSS.file}`, (c) =>
        c.body(CSS.body, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': cache }),
      )
      app.get(`${base}/assets/${JS.file}`, (c) =>
        c.body(JS.body, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': cache }),
      )
    },
  })
}
