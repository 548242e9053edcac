/**
 * The IdP console's session: a signed cookie (under the IdP's cookie keys, with a label of its own) holding a random
 * session id, the signed-in user's id and an expiry; CSRF tokens and flash messages derive from it (console-ui). The
 * user's status and roles are read from the directory on every request, so disabling a user ends their session.
 */
import { consoleSessions, type ConsoleSession as Session } from '@openxaa/console-ui'

export type { CookieSettings } from '@openxaa/console-ui'

/** What the cookie says: `uid` is the signed-in user's id, absent before sign-in. */
export type ConsoleSession = Session<'uid'>

/** The console's sessions: signed in for 8 hours, anonymous (only the sign-in form's CSRF token) for one. */
export const sessions = consoleSessions({
  cookie: 'openxaa_console',
  flashCookie: 'openxaa_console_flash',
  label: 'openxaa-console',
  who: 'uid',
  lifetime: 8 * 3600,
  anonymousLifetime: 3600,
})
