/** What every administrative operation needs: the store, who acts, time, and the settings that shape secrets. */
import type { AuditActor, AuditEventInput, Store, StoreTransaction } from '@openxaa/store'

/** The context of administrative operations. */
export interface AdminContext {
  readonly store: Store
  /** Recorded on every audit event: an admin user, an API key, or the CLI. */
  readonly actor: AuditActor
  /** Epoch ms. */
  now(): number
  /** scrypt cost (log2 N) for new password hashes. */
  readonly passwordHashCost: number
  /** How long a rotated-out signing key stays published, in seconds (longest token it signed, plus skew). */
  readonly keyRetireAfter: number
  /** Called after the IdP's signing key was rotated (the server rebuilds its provider). */
  readonly onKeysRotated?: () => Promise<void>
}

/** Runs `fn` in one transaction with its audit event: the change and its record commit together or not at all. */
export async function audited<T>(
  ctx: AdminContext,
  fn: (tx: StoreTransaction) => Promise<T>,
  event: (result: T) => Omit<AuditEventInput, 'actor' | 'decision'>,
): Promise<T> {
  return ctx.store.transaction(async (tx) => {
    const result = await fn(tx)
    await tx.audit.append({ actor: ctx.actor, decision: 'change', ...event(result) })
    return result
  })
}
