import {
  ACCESS_TOKEN_TYP,
  DEFAULT_ALLOWED_ALGORITHMS,
  DEFAULT_CLOCK_SKEW,
  ID_JAG_TYP,
  type KeySource,
} from '@openxaa/protocol'
import { errors, type JWTPayload, jwtVerify } from 'jose'
import { XaaError } from '../errors.js'

/** What an ID token is checked against. */
export interface IdTokenExpectations {
  issuer: string
  clientId: string
  keys: KeySource
  nowSeconds: number
  /** The `nonce` sent in the authorization request; undefined for device and refresh grants. */
  nonce?: string
  /** On refresh: the `sub` of the session being renewed (OIDC Core 12.2). */
  subject?: string
}

function invalid(why: string, cause?: unknown): XaaError {
  return new XaaError('ERR_ID_TOKEN_INVALID', `the ID token from the IdP is not valid: ${why}`, { cause })
}

/**
 * Validates an ID token the IdP returned: signature with a key of the IdP's `jwks_uri` (asymmetric algorithms
 * only), `iss` exactly, `aud` contains the client (and `azp` is the client when there are several audiences),
 * `exp`/`iat` with skew, `nonce` when one was sent, the same `sub` on refresh. Another JWT type (an ID-JAG or an
 * access token) is refused.
 *
 * @see OpenID Connect Core 1.0 section 3.1.3.7 and 12.2; xaa-protocol.md section 2(a)
 */
export async function validateIdToken(idToken: string, expect: IdTokenExpectations): Promise<JWTPayload> {
  let payload: JWTPayload
  let typ: unknown
  try {
    const verified = await jwtVerify(idToken, expect.keys, {
      issuer: expect.issuer,
      audience: expect.clientId,
      algorithms: [...DEFAULT_ALLOWED_ALGORITHMS],
      currentDate: new Date(expect.nowSeconds * 1000),
      clockTolerance: DEFAULT_CLOCK_SKEW,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    })
    payload = verified.payload
    typ = verified.protectedHeader.typ
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw invalid('it has expired', error)
    if (error instanceof errors.JWTClaimValidationFailed) throw invalid(`${error.claim} claim ${error.reason}`, error)
    if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid('bad signature', error)
    if (error instanceof errors.JOSEError) throw invalid(error.code, error)
    throw invalid('its signature could not be checked', error)
  }
  const lowered = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined
  if (lowered === ID_JAG_TYP || lowered === ACCESS_TOKEN_TYP) throw invalid(`typ ${lowered} is not an ID token`)
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expect.clientId) {
    throw invalid('several audiences and azp is not this client')
  }
  if (payload.azp !== undefined && payload.azp !== expect.clientId) throw invalid('azp is another client')
  if (expect.nonce !== undefined && payload.nonce !== expect.nonce) throw invalid('nonce does not match the request')
  if (expect.subject !== undefined && payload.sub !== expect.subject) throw invalid('sub changed on refresh')
  return payload
}
