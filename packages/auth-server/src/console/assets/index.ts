/**
 * The console's static files: one style sheet and one script, each served under a name carrying a hash of its
 * content with a one-year immutable cache, so that pages reference them by name and the CSP stays `'self'` only.
 */
import { createHash } from 'node:crypto'
import type { Hono } from 'hono'
import type { ConsoleEnv } from '../env.js'
import { CONSOLE_JS } from './script.js'
import { CONSOLE_CSS } from './style.js'

function hashed(name: string, ext: string, body: string) {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12).replace(/[-_]/g, 'x')
  return { file: `${name}.${hash}.${ext}`, body }
}

const CSS = hashed('console', 'css', CONSOLE_CSS)
const JS = hashed('console', 'js', CONSOLE_JS)

/** Paths of the assets below `base`, for the layout. */
export function assetPaths(base: string): { css: string; js: string } {
  return { css: `${base}/assets/${CSS.file}`, js: `${base}/assets/${JS.file}` }
}

/** Serves the assets (with any other name: 404). */
export function assetRoutes(app: Hono<ConsoleEnv>, base: string): void {
  const cache = 'public, max-age=31536000, immutable'
  app.get(`${base}/assets/${CSS.file}`, (c) =>
    c.body(CSS.body, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': cache }),
  )
  app.get(`${base}/assets/${JS.file}`, (c) =>
    c.body(JS.body, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': cache }),
  )
}
