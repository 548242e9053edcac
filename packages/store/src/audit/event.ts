/** The shape of an audit event: who did what, to what, when, with which decision and why. */

/** `allow` and `deny` for decisions on requests, `change` for admin writes, `info` for everything else. */
export type AuditDecision = 'allow' | 'deny' | 'change' | 'info'

/** The audit decisions, for validation and UI filters. */
export const AUDIT_DECISIONS: readonly AuditDecision[] = Object.freeze(['allow', 'deny', 'change', 'info'])

/** Who acted: a user, a client, an admin, the system… and their id. */
export interface AuditActor {
  type: string
  id: string
}

/**
 * An event to append. Only `actor`, `action` and `decision` are required; `at` defaults to the store's clock.
 * Never put a token, secret or whole claim set in it: the guard redacts what it recognises, but is a last line.
 * @example { actor: { type: 'client', id: 'agent' }, action: 'id_jag.redeem', decision: 'deny', reason: 'ERR_ID_JAG_REPLAY', rule: '2(d).7' }
 */
export interface AuditEventInput {
  /** Epoch milliseconds or a Date. */
  at?: number | Date
  actor: AuditActor
  /** Dotted verb, e.g. `id_jag.issue`, `id_jag.redeem`, `admin.connection.update`. */
  action: string
  decision: AuditDecision
  /** The internal error code of a refusal, e.g. `ERR_ID_JAG_AUDIENCE`. */
  reason?: string
  /** The spec step, e.g. `2(d).5 #17`. */
  rule?: string
  /** Private reason in words (an error's `detail`). */
  detail?: string
  /** Local user id. */
  userId?: string
  /** The `sub` the event is about. */
  subject?: string
  clientId?: string
  resource?: string
  audience?: string
  issuer?: string
  organization?: string
  tenant?: string
  requestId?: string
  /** Small JSON (a few KiB at most): scopes, kids, counts. Larger data is replaced by `{ truncated: true }`. */
  data?: Record<string, unknown>
}

/** A stored event, as `query` returns it. */
export interface AuditEvent extends Omit<AuditEventInput, 'at'> {
  /** Increasing with insertion; the cursor's tie-breaker. */
  id: number
  /** Epoch milliseconds. */
  at: number
  /** How many values the token guard redacted on append. */
  redacted: number
}

/** Filters of {@link AuditLog.query}; all given filters must match. */
export interface AuditQuery {
  userId?: string
  subject?: string
  clientId?: string
  audience?: string
  resource?: string
  issuer?: string
  organization?: string
  tenant?: string
  requestId?: string
  /** One action, several, or a prefix ending in `.*` (e.g. `id_jag.*`). */
  action?: string | readonly string[]
  decision?: AuditDecision | readonly AuditDecision[]
  /** Inclusive lower bound, epoch ms or Date. */
  since?: number | Date
  /** Exclusive upper bound, epoch ms or Date. */
  until?: number | Date
  /** Page size, 1..500 (default 50). */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

/** One page of events, newest first. */
export interface AuditPage {
  events: AuditEvent[]
  /** Present when more events match: pass it as `cursor` for the next page. */
  nextCursor?: string
}

/** Filters of {@link AuditLog.usage}: those of a query (no paging), plus refusal reasons. */
export interface AuditUsageQuery extends Omit<AuditQuery, 'limit' | 'cursor'> {
  /** One reason code or several (e.g. `ERR_CONNECTION_DISABLED`). */
  reason?: string | readonly string[]
}

/** One group of {@link AuditLog.usage}: events of one (client, audience, resource). */
export interface AuditUsage {
  clientId: string | null
  audience: string | null
  resource: string | null
  /** Distinct `userId`s among the events. */
  users: number
  events: number
  /** Epoch ms of the newest event. */
  lastAt: number
}

/** The append-only audit log. There is no update and no per-event delete. */
export interface AuditLog {
  /** Appends one event after the token guard; returns it as stored. */
  append(event: AuditEventInput): Promise<AuditEvent>
  /** Events matching `filter`, newest first, in pages. */
  query(filter?: AuditQuery): Promise<AuditPage>
  /**
   * Per (client, audience, resource): distinct users, event count and newest time of the matching events, newest
   * group first (at most 5000 groups). E.g. who used each managed connection: `{ action: 'id_jag.issue', decision: 'allow' }`.
   */
  usage(filter?: AuditUsageQuery): Promise<AuditUsage[]>
  /** Retention: deletes every event older than `cutoff` (epoch ms or Date). Explicit only; returns the count. */
  purgeOlderThan(cutoff: number | Date): Promise<number>
}
