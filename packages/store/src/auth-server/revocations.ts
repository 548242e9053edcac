/**
 * Revoked access tokens (RFC 7009): their `jti` until their `exp`, shared by every replica, so introspection
 * reports them inactive everywhere.
 * @see ../../../../shared/spec/xaa-protocol.md 2(e) "Revocation (RFC 7009)"
 */
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { checkText } from './validate.js'

/** Revoked access tokens of the resource AS. */
export interface AsRevocationRepository {
  /** Records a revocation (idempotent). `exp` is epoch seconds. */
  revoke(input: { jti: string; clientId: string; exp: number }): Promise<void>
  isRevoked(jti: string): Promise<boolean>
  /** Deletes entries whose token expired before `now` (epoch ms; default the clock). */
  purgeExpired(now?: number): Promise<number>
}

/** Builds the revocation repository over a context. */
export function createAsRevocationRepository({ db, clock }: RepositoryContext): AsRevocationRepository {
  return {
    async revoke({ jti, clientId, exp }) {
      checkText('revocation jti', jti, 256)
      checkText('revocation clientId', clientId, 2048)
      if (!Number.isFinite(exp)) throw new TypeError('revocation exp must be epoch seconds')
      await db
        .insertInto('as_revoked_token')
        .values({ jti, client_id: clientId, exp_at: Math.ceil(exp * 1000), revoked_at: nowMs(clock) })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute()
    },
    async isRevoked(jti) {
      const row = await db.selectFrom('as_revoked_token').select('jti').where('jti', '=', jti).executeTakeFirst()
      return row !== undefined
    },
    async purgeExpired(now) {
      const result = await db
        .deleteFrom('as_revoked_token')
        .where('exp_at', '<', now ?? nowMs(clock))
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
