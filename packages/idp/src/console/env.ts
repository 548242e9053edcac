/** The console's Hono environment and what every page registration gets. */
import type { HttpBindings } from '@hono/node-server'
import type { IdpUser } from '@openxaa/store'
import type { AdminContext } from '../admin/context.js'
import type { IdpRuntime } from '../context.js'
import type { ConsoleSession, CookieSettings } from './session.js'

/** Typed `c.var` of console requests. */
export type ConsoleEnv = {
  Bindings: HttpBindings
  Variables: {
    /** The browser's console session (anonymous before sign-in). */
    session: ConsoleSession
    /** The signed-in user, read from the directory on this request. */
    user: IdpUser
    /** Operations context acting as the signed-in user (every change audited with this actor). */
    admin: AdminContext
    /** The posted form, after its CSRF token was checked. */
    form: URLSearchParams
  }
}

/** What page modules share. */
export interface ConsoleDeps {
  readonly runtime: IdpRuntime
  /** The console's path, e.g. `/console` (below the issuer's path). */
  readonly base: string
  readonly cookies: CookieSettings
}
