/**
 * 2(b) step 2: the subject token. An ID token must be one this IdP issued to this same client (signature with the
 * IdP's published keys, previous ones included, `iss`, `aud`/`azp` = the client, `exp`); a refresh token must be one
 * of this client's, unexpired, unconsumed, unrevoked, with its grant still alive. Every failure is `invalid_grant`
 * (project decision 3); the user's claims are then read fresh from the directory, never from the token.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) step 2, checklist #2 and #3
 */

import { verify as verifySignature } from 'node:crypto'
import { isDatabaseUnavailable } from '@openxaa/ops'
import {
  ACCESS_TOKEN_TYP,
  DEFAULT_CLOCK_SKEW,
  ID_JAG_TYP,
  ProtocolError,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
} from '@openxaa/protocol'
import { base64url, decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify, UnsecuredJWT } from 'jose'
import type Provider from 'oidc-provider'
import type { IdpRuntime } from '../context.js'
import type { IdTokenKeySet } from './id-token-keys.js'

/** Who the subject token speaks for, and when they signed in. */
export interface Subject {
  userId: string
  /** Epoch seconds of the sign-in, when known. */
  authTime: number | undefined
  tokenType: typeof TOKEN_TYPE_ID_TOKEN | typeof TOKEN_TYPE_REFRESH_TOKEN
}

const RULE = '2(b).2'

function invalid(code: 'ERR_SUBJECT_TOKEN_INVALID' | 'ERR_SUBJECT_TOKEN_EXPIRED', detail: string): ProtocolError {
  const description =
    code === 'ERR_SUBJECT_TOKEN_EXPIRED' ? 'the subject token has expired' : 'the subject token is not valid'
  return new ProtocolError(code, description, { rule: RULE, detail })
}

// The header of an unsecured JWT: its claims are then checked by jose exactly as jwtVerify checks them.
const UNSECURED_HEADER = base64url.encode(JSON.stringify({ alg: 'none' }))

interface IdTokenCheck {
  issuer: string
  currentDate: Date
  clockTolerance: number
  requiredClaims: string[]
}

/**
 * An ES256 ID token checked with node:crypto, synchronously: jose verifies through WebCrypto on the thread pool,
 * which cost more than the rest of the exchange. Undefined when this path does not apply (another algorithm, a
 * header jose must judge, a kid the snapshot does not hold): jose then decides. The claims are validated by jose
 * itself (the same claim-set validation as jwtVerify) over the very payload bytes whose signature was checked.
 */
function verifyEs256IdToken(
  token: string,
  header: Record<string, unknown>,
  set: IdTokenKeySet,
  check: IdTokenCheck,
): JWTPayload | undefined {
  if (header.alg !== 'ES256' || !set.algorithms.includes('ES256') || typeof header.kid !== 'string') return undefined
  if (header.crit !== undefined || header.b64 !== undefined) return undefined
  const key = set.es256.get(header.kid)
  const parts = token.split('.')
  if (key === undefined || parts.length !== 3) return undefined
  const signature = Buffer.from(parts[2]!, 'base64url')
  const input = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii')
  // RFC 7518 3.4: R and S, 32 bytes each.
  if (signature.length !== 64 || !verifySignature('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new joseErrors.JWSSignatureVerificationFailed()
  }
  return UnsecuredJWT.decode(`${UNSECURED_HEADER}.${parts[1]}.`, check).payload
}

/** Validates an ID token issued by this IdP to `clientId`. */
export async function validateIdToken(runtime: IdpRuntime, token: string, clientId: string): Promise<Subject> {
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(token)
  } catch {
    throw invalid('ERR_SUBJECT_TOKEN_INVALID', 'ID token is not a compact JWS')
  }
  const typ = header.typ
  // Explicitly typed tokens of other kinds (an ID-JAG, an access token) are never identity assertions.
  if (typeof typ === 'string' && [ID_JAG_TYP, ACCESS_TOKEN_TYP, `application/${ACCESS_TOKEN_TYP}`].includes(typ)) {
    throw invalid('ERR_SUBJECT_TOKEN_INVALID', `subject token has typ ${typ.slice(0, 40)}, not an ID token`)
  }
  const check: IdTokenCheck = {
    issuer: runtime.options.issuer,
    currentDate: new Date(runtime.now()),
    clockTolerance: DEFAULT_CLOCK_SKEW,
    requiredClaims: ['sub', 'aud', 'exp', 'iat'],
  }
  const verify = async (set: IdTokenKeySet): Promise<{ payload: JWTPayload }> => {
    const fast = verifyEs256IdToken(token, header, set, check)
    if (fast !== undefined) return { payload: fast }
    return jwtVerify(token, set.keys, { ...check, algorithms: [...set.algorithms] })
  }
  let payload: Record<string, unknown>
  try {
    const set = await runtime.idTokenKeys.get()
    try {
      ;({ payload } = await verify(set))
    } catch (err) {
      // A key this snapshot does not hold may have been published since (a rotation on another replica).
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err
      const fresh = await runtime.idTokenKeys.get(true)
      if (fresh.version === set.version) throw err
      ;({ payload } = await verify(fresh))
    }
  } catch (err) {
    // The keys could not be read: the token may well be valid, so no refusal (the request is answered 503).
    if (isDatabaseUnavailable(err)) throw err
    if (err instanceof joseErrors.JWTExpired) throw invalid('ERR_SUBJECT_TOKEN_EXPIRED', 'ID token exp has passed')
    const reason = err instanceof joseErrors.JOSEError ? err.code : 'verification failed'
    throw invalid('ERR_SUBJECT_TOKEN_INVALID', `ID token rejected: ${reason}`)
  }
  // OIDC Core 3.1.3.7 steps 3-5: aud contains the client; with several audiences, azp is the client.
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!aud.includes(clientId) || (aud.length > 1 && payload.azp !== clientId)) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_CLIENT', 'the subject token was not issued to this client', {
      rule: `${RULE} #2`,
      detail: 'ID token aud does not name the authenticated client',
    })
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid('ERR_SUBJECT_TOKEN_INVALID', 'no sub')
  const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : undefined
  return { userId: payload.sub, authTime, tokenType: TOKEN_TYPE_ID_TOKEN }
}

/** Validates an IdP refresh token of `clientId`, as the refresh_token grant would. */
export async function validateRefreshToken(provider: Provider, token: string, clientId: string): Promise<Subject> {
  const refreshToken = await provider.RefreshToken.find(token, { ignoreExpiration: true })
  if (!refreshToken) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_REVOKED', 'the subject token is not valid', {
      rule: `${RULE} #3`,
      detail: 'refresh token unknown: revoked, or never issued',
    })
  }
  if (refreshToken.clientId !== clientId) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_CLIENT', 'the subject token was not issued to this client', {
      rule: `${RULE} #3`,
      detail: 'refresh token belongs to another client',
    })
  }
  if (refreshToken.isExpired) throw invalid('ERR_SUBJECT_TOKEN_EXPIRED', 'refresh token has expired')
  if (refreshToken.consumed) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_REVOKED', 'the subject token is not valid', {
      rule: `${RULE} #3`,
      detail: 'refresh token was already rotated (consumed)',
    })
  }
  const grant = refreshToken.grantId ? await provider.Grant.find(refreshToken.grantId) : undefined
  if (!grant || grant.clientId !== clientId) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_REVOKED', 'the subject token is not valid', {
      rule: `${RULE} #3`,
      detail: 'the grant of the refresh token was revoked',
    })
  }
  if (typeof refreshToken.accountId !== 'string') throw invalid('ERR_SUBJECT_TOKEN_INVALID', 'no account')
  return { userId: refreshToken.accountId, authTime: refreshToken.authTime, tokenType: TOKEN_TYPE_REFRESH_TOKEN }
}
