/**
 * The console session of the resource AS, which has no user directory: an administrator enters an admin API key
 * once; the session cookie then names that key's id (never the key), HMAC-signed under the server's cookie keys with
 * an expiry; CSRF tokens and flash messages derive from it (console-ui). The key is looked up on every request, so
 * revoking it ends the session.
 */
import { consoleSessions, type ConsoleSession as Session } from '@openxaa/console-ui'

export type { CookieSettings } from '@openxaa/console-ui'

/** What the cookie says: `kid` is the admin API key id, once signed in. */
export type ConsoleSession = Session<'kid'>

/** The console's sessions: signed in for 8 hours, anonymous (only the sign-in form's CSRF token) for one. */
export const sessions = consoleSessions({
  cookie: 'openxaa_as_console',
  flashCookie: 'openxaa_as_console_flash',
  label: 'openxaa-as-console',
  who: 'kid',
  lifetime: 8 * 3600,
  anonymousLifetime: 3600,
})
