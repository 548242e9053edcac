/**
 * 2(b) step 2: the subject token. An ID token must be one this IdP issued to this same client (signature with the
 * IdP's published keys, previous ones included, `iss`, `aud`/`azp` = the client, `exp`); a refresh token must be one
 * of this client's, unexpired, unconsumed, unrevoked, with its grant still alive. Every failure is `invalid_grant`
 * (project decision 3); the user's claims are then read fresh from the directory, never from the token.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) step 2, checklist #2 and #3
 */
import {
  ACCESS_TOKEN_TYP,
  DEFAULT_CLOCK_SKEW,
  ID_JAG_TYP,
  ProtocolError,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
} from '@openxaa/protocol'
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
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

/** Validates an ID token issued by this IdP to `clientId`. */
export async function validateIdToken(runtime: IdpRuntime, token: string, clientId: string): Promise<Subject> {
  let typ: unknown
  try {
    typ = decodeProtectedHeader(token).typ
  } catch {
    throw invalid('ERR_SUBJECT_TOKEN_INVALID', 'ID token is not a compact JWS')
  }
  // Explicitly typed tokens of other kinds (an ID-JAG, an access token) are never identity assertions.
  if (typeof typ === 'string' && [ID_JAG_TYP, ACCESS_TOKEN_TYP, `application/${ACCESS_TOKEN_TYP}`].includes(typ)) {
    throw invalid('ERR_SUBJECT_TOKEN_INVALID', `subject token has typ ${typ.slice(0, 40)}, not an ID token`)
  }
  const verify = (set: IdTokenKeySet) =>
    jwtVerify(token, set.keys, {
      issuer: runtime.options.issuer,
      algorithms: [...set.algorithms],
      currentDate: new Date(runtime.now()),
      clockTolerance: DEFAULT_CLOCK_SKEW,
      requiredClaims: ['sub', 'aud', 'exp', 'iat'],
    })
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
