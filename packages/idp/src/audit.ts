/**
 * Audit events of the IdP: every sign-in, every ID-JAG issuance and refusal (with the precise reason code and spec
 * rule), every administrative change. Never a token, a secret or a password.
 * @see ../../../../shared/architecture.md "Data that must never be lost or leaked"
 */
import type { AuditActor, AuditEventInput, AuditLog } from '@openxaa/store'
import type { IdpLogger } from './context.js'

/** Actions the IdP records. */
export const AUDIT_ACTIONS = {
  signIn: 'sign_in',
  signOut: 'sign_out',
  consent: 'consent',
  deviceApproval: 'device.approve',
  idJagIssue: 'id_jag.issue',
  consoleSignIn: 'console.sign_in',
  consoleSignOut: 'console.sign_out',
  consoleCsrf: 'console.csrf',
  /** A request refused by a rate limit (the first of each window). */
  rateLimit: 'request.rate_limit',
} as const

/**
 * Appends a refusal or informational event; a failure to write is logged, never turned into a different answer for
 * the caller (the refusal stands either way).
 */
export async function recordQuietly(audit: AuditLog, logger: IdpLogger, event: AuditEventInput): Promise<void> {
  try {
    await audit.append(event)
  } catch (err) {
    logger.error('audit event could not be written', { action: event.action, error: (err as Error).message })
  }
}

/** The actor of an admin change made through the API or the CLI. */
export type AdminActor = AuditActor
