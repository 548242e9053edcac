/** Formatting of the IdP console's pages: human words for refusal codes, dates for date inputs (times: console-ui). */

/** What an ID-JAG refusal code means, in a few words, for the audit and overview pages. */
export const REFUSAL_WORDS: Record<string, string> = {
  ERR_NO_CONNECTION: 'no managed connection',
  ERR_CONNECTION_DISABLED: 'connection disabled',
  ERR_USER_NOT_IN_GROUP: 'user not in the connection’s groups',
  ERR_USER_DISABLED: 'user disabled',
  ERR_BLOCKED: 'blocked',
  ERR_AUTH_TOO_OLD: 'sign-in too old',
  ERR_SCOPE_UNKNOWN: 'unknown scope',
  ERR_SCOPE_NOT_ALLOWED: 'scope not allowed',
  ERR_AUDIENCE_UNKNOWN: 'unknown application',
  ERR_RESOURCE_NOT_GOVERNED: 'resource not governed',
  ERR_SUBJECT_TOKEN_INVALID: 'invalid subject token',
  ERR_SUBJECT_TOKEN_EXPIRED: 'subject token expired',
  ERR_SUBJECT_TOKEN_CLIENT: 'another client’s token',
  ERR_SUBJECT_TOKEN_REVOKED: 'token revoked',
  ERR_CLIENT_NOT_ENABLED: 'client not enabled for cross-app access',
  ERR_SIGN_IN_FAILED: 'wrong username or password',
  ERR_CSRF: 'form without a valid CSRF token',
}

/** `yyyy-mm-dd` of an epoch ms (UTC), for date inputs. */
export function dateInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Epoch ms of the start of a `yyyy-mm-dd` day (UTC); undefined when not a date. */
export function parseDate(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isFinite(ms) ? ms : undefined
}
