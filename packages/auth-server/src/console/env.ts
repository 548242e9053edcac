/** The AS console's Hono environment and what every page registration gets. */
import type { AdminService } from '../admin/service.js'
import type { RedemptionContext } from '../context.js'
import type { ConsoleSession, CookieSettings } from './session.js'

/** Typed `c.var` of console requests. */
export type ConsoleEnv = {
  Variables: {
    requestId: string
    session: ConsoleSession
    /** The admin API key the session was opened with (its id). */
    adminKeyId: string
    form: URLSearchParams
  }
}

/** What page modules share. */
export interface ConsoleDeps {
  readonly context: RedemptionContext
  readonly service: AdminService
  /** The console's path, e.g. `/console`. */
  readonly base: string
  readonly cookies: CookieSettings
}
