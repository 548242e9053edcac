/**
 * One audit event per issuance and per refusal: organization, issuer, client, subject, reason code and spec rule;
 * never a token, an assertion or a secret (the store's token guard is only the last line).
 * @see ../../../../shared/architecture.md "Audit events"; spec/xaa-protocol.md decision 3
 */
import { isProtocolError } from '@openxaa/protocol'
import type { AuditActor, AuditEventInput } from '@openxaa/store'
import type { RedemptionContext } from './context.js'

/** Audit actions this server writes. */
export const AUDIT_ACTIONS = {
  /** A jwt-bearer (or jwt-dpop) request at the token endpoint: allow with the grant, deny with the reason. */
  redeem: 'id_jag.redeem',
  introspect: 'access_token.introspect',
  revoke: 'access_token.revoke',
  /** A request refused by the per-address rate limit (the first of each window). */
  rateLimit: 'request.rate_limit',
  /** Prefix of admin changes: `admin.organization.create`, `admin.trust.enable`, … */
  admin: 'admin',
} as const

/** Who/what a request-level event is about; every field optional. */
export type AuditFields = Omit<AuditEventInput, 'actor' | 'action' | 'decision'>

/** The actor of a request from a client, authenticated or not. */
export function clientActor(clientId: string | undefined): AuditActor {
  return { type: 'client', id: clientId ?? 'unauthenticated' }
}

/** Appends a refusal; a failing audit write is logged, never turned into another answer for the caller. */
export async function recordRefusal(
  context: RedemptionContext,
  action: string,
  actor: AuditActor,
  err: unknown,
  fields: AuditFields,
): Promise<void> {
  const reason = isProtocolError(err) ? err.code : 'ERR_INTERNAL'
  const event: AuditEventInput = { ...fields, actor, action, decision: 'deny', reason }
  if (isProtocolError(err)) {
    if (err.rule !== undefined) event.rule = err.rule
    if (err.detail !== undefined) event.detail = err.detail
  }
  try {
    await context.store.audit.append(event)
  } catch (auditErr) {
    context.logger.error('audit write failed for a refusal', { action, reason, error: (auditErr as Error).message })
  }
}

/** Appends an allow or change event; a failure propagates (nothing is granted or changed unaudited). */
export async function recordDecision(
  context: RedemptionContext,
  action: string,
  actor: AuditActor,
  decision: 'allow' | 'change' | 'info',
  fields: AuditFields,
): Promise<void> {
  await context.store.audit.append({ ...fields, actor, action, decision })
}
