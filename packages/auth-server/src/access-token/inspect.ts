/**
 * Reads an access token this server issued: signature with its own published keys, `iss`, times, and the revoked
 * list. The one place introspection and revocation decide whether a token is live.
 * @see RFC 7662 section 2.2; RFC 7009 section 2.1; spec/xaa-protocol.md 2(e)
 */
import { type AccessTokenClaims, verifyAccessToken } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import type { RedemptionContext } from '../context.js'

/** Why a token is not active (for the audit log only: the wire says `active: false` and nothing else). */
export type InactiveReason = 'malformed' | 'invalid' | 'revoked'

/** The outcome of {@link inspectAccessToken}. */
export type Inspection =
  | { active: true; claims: AccessTokenClaims }
  | { active: false; reason: InactiveReason; claims?: AccessTokenClaims }

/**
 * Verifies `token` as an access token of this server at the current time (no clock skew: one clock decides). With
 * `allowExpired`, a correctly signed token past `exp` is returned too (revocation of an expired token is a no-op,
 * but the caller may still want to know whose it was).
 */
export async function inspectAccessToken(
  context: RedemptionContext,
  token: string,
  allowExpired = false,
): Promise<Inspection> {
  let audience: string | undefined
  try {
    const aud = decodeJwt(token).aud
    audience = typeof aud === 'string' ? aud : Array.isArray(aud) ? aud[0] : undefined
  } catch {
    return { active: false, reason: 'malformed' }
  }
  if (audience === undefined) return { active: false, reason: 'malformed' }
  const keys = await context.verificationKeys()
  let claims: AccessTokenClaims
  try {
    ;({ claims } = await verifyAccessToken(token, {
      issuer: context.options.issuer,
      audience,
      keys,
      now: context.nowSeconds(),
      clockSkew: 0,
    }))
  } catch (err) {
    if (!allowExpired || (err as { code?: unknown }).code !== 'ERR_ACCESS_TOKEN_EXPIRED') {
      return { active: false, reason: 'invalid' }
    }
    // Signature and issuer were checked before exp: the token is ours, only expired.
    return { active: false, reason: 'invalid', claims: decodeJwt(token) as AccessTokenClaims }
  }
  if (await context.store.authServer.revocations.isRevoked(claims.jti))
    return { active: false, reason: 'revoked', claims }
  return { active: true, claims }
}
