import { ACCESS_TOKEN_DEFAULT_LIFETIME, ACCESS_TOKEN_MAX_LIFETIME, ACCESS_TOKEN_TYP } from '../constants.js'
import { cnfProblem } from '../id-jag/claim-shapes.js'
import { checkSigningKey, randomJti, signJwt } from '../internal/sign.js'
import {
  isAbsoluteUri,
  isNonEmptyString,
  isNumericDate,
  isStringArray,
  issuerUrlProblem,
  resolveNow,
} from '../internal/values.js'
import type { SigningKey } from '../keys.js'
import { splitScope } from '../scope.js'
import type { AccessTokenRegisteredClaims } from './claims.js'

/** What the resource AS grants; `jti`, `iat` and `exp` are filled in by {@link mintAccessToken}. */
export interface MintAccessTokenInput extends Omit<AccessTokenRegisteredClaims, 'jti' | 'iat' | 'exp' | 'nbf'> {
  /** Defaults to 128 random bits. */
  jti?: string
}

/** Options of {@link mintAccessToken}. */
export interface MintAccessTokenOptions {
  /** Current time, epoch seconds. */
  now?: number
  /** Seconds. Default {@link ACCESS_TOKEN_DEFAULT_LIFETIME}, at most {@link ACCESS_TOKEN_MAX_LIFETIME}. */
  lifetime?: number
}

const OPTIONAL_SHAPES: Record<string, (value: unknown) => boolean> = {
  scope: (v) => splitScope(v) !== undefined,
  auth_time: isNumericDate,
  acr: isNonEmptyString,
  amr: isStringArray,
  cnf: (v) => cnfProblem(v) === undefined,
  tenant: isNonEmptyString,
  groups: isStringArray,
  roles: isStringArray,
  entitlements: isStringArray,
}

function refuse(claim: string, problem: string): never {
  throw new TypeError(`mintAccessToken: access token claim "${claim}" ${problem}`)
}

/**
 * Mints an RFC 9068 JWT access token (header `typ: 'at+jwt'`) with `iss`, `sub`, `aud`, `client_id`, `jti`, `iat`,
 * `exp` and the optional claims given. Refuses with a TypeError naming the claim when it would be invalid.
 *
 * @example
 * const at = await mintAccessToken(
 *   { iss: 'https://as.chat.example', sub: 'acct_1', aud: 'https://mcp.chat.example', client_id: 'c1',
 *     scope: 'chat.read' }, key, { lifetime: 300 })
 * @see spec/xaa-protocol.md section 2(e) and section 8 decision 4
 */
export async function mintAccessToken(
  claims: MintAccessTokenInput,
  key: SigningKey,
  options: MintAccessTokenOptions = {},
): Promise<string> {
  checkSigningKey(key, 'mintAccessToken')
  const now = resolveNow(options.now, 'mintAccessToken')
  const lifetime = options.lifetime ?? ACCESS_TOKEN_DEFAULT_LIFETIME
  if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime <= 0) {
    throw new TypeError('mintAccessToken: lifetime must be a positive number of seconds')
  }
  if (lifetime > ACCESS_TOKEN_MAX_LIFETIME) {
    throw new TypeError(`mintAccessToken: lifetime ${lifetime} s exceeds the cap of ${ACCESS_TOKEN_MAX_LIFETIME} s`)
  }
  const issProblem = issuerUrlProblem(claims.iss)
  if (issProblem !== undefined) refuse('iss', `${issProblem}; it must be the resource AS issuer identifier`)
  if (!isNonEmptyString(claims.sub)) refuse('sub', 'is required (a non-empty string)')
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(isAbsoluteUri)) {
    refuse('aud', 'must be one or more resource identifiers (absolute URIs without fragment)')
  }
  if (!isNonEmptyString(claims.client_id)) refuse('client_id', 'is required (a non-empty string)')
  const jti = claims.jti ?? randomJti()
  if (!isNonEmptyString(jti)) refuse('jti', 'must be a non-empty string')

  const { iss, sub, aud, client_id } = claims
  const payload: Record<string, unknown> = { iss, sub, aud, client_id, jti, iat: now, exp: now + lifetime }
  for (const [name, isValid] of Object.entries(OPTIONAL_SHAPES)) {
    const value = claims[name as keyof MintAccessTokenInput]
    if (value === undefined) continue
    if (!isValid(value)) refuse(name, 'has the wrong shape')
    payload[name] = value
  }
  return signJwt(payload, key, ACCESS_TOKEN_TYP)
}
