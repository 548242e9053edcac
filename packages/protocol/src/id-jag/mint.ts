import { ID_JAG_DEFAULT_LIFETIME, ID_JAG_MAX_LIFETIME, ID_JAG_TYP } from '../constants.js'
import { checkSigningKey, randomJti, signJwt } from '../internal/sign.js'
import { checkSeconds, isNonEmptyString, isNumericDate, issuerUrlProblem, resolveNow } from '../internal/values.js'
import type { SigningKey } from '../keys.js'
import { OPTIONAL_CLAIM_SHAPES, stepClaimProblem } from './claim-shapes.js'
import type { IdJagClaims, IdJagRegisteredClaims } from './claims.js'

/** What the IdP decided to put in an ID-JAG; `jti`, `iat` and `exp` are filled in by {@link mintIdJag}. */
export interface MintIdJagInput extends Omit<IdJagRegisteredClaims, 'aud' | 'jti' | 'iat' | 'exp'> {
  /** The resource AS issuer identifier (aliases already resolved); a one-element array is written as a string. */
  aud: string | readonly string[]
  /** Defaults to 128 random bits. */
  jti?: string
  /** Defaults to `now`; must not be in the future. */
  iat?: number
  /** Seconds from `iat` to `exp`. Default {@link ID_JAG_DEFAULT_LIFETIME}. */
  expiresIn?: number
  /** Other claims valid in an ID Token; must not repeat a registered claim. */
  extra?: Record<string, unknown>
}

/** Options of {@link mintIdJag}. */
export interface MintIdJagOptions {
  /** Current time, epoch seconds. */
  now?: number
  /** Cap on `exp - iat` in seconds. Default {@link ID_JAG_MAX_LIFETIME}. */
  maxLifetime?: number
}

// Written in this order so a reader of the payload finds the REQUIRED claims first, then 2(c) order.
const OPTIONAL_ORDER = [
  'sub_id',
  'nbf',
  'resource',
  'scope',
  'authorization_details',
  'act',
  'tenant',
  'auth_time',
  'acr',
  'amr',
  'aud_tenant',
  'aud_sub',
  'email',
  'cnf',
] as const

function refuse(claim: string, problem: string): never {
  throw new TypeError(`mintIdJag: ID-JAG claim "${claim}" ${problem}`)
}

function singleAudience(aud: unknown): string {
  const list = typeof aud === 'string' ? [aud] : aud
  if (!Array.isArray(list) || list.length !== 1) refuse('aud', 'must be exactly one audience (the resource AS issuer)')
  const problem = issuerUrlProblem(list[0])
  if (problem !== undefined) refuse('aud', `${problem}; it must be the resource AS issuer identifier`)
  return list[0] as string
}

/**
 * Mints a signed ID-JAG with header `{ alg, kid, typ: 'oauth-id-jag+jwt' }` and every REQUIRED claim. Refuses with a
 * TypeError naming the claim when the result would be invalid: missing `iss`/`sub`/`aud`/`client_id`, several
 * audiences, a non-URL issuer, a lifetime above the cap, malformed `scope`, `resource`, `sub_id` or `cnf`, ...
 *
 * @example
 * const idJag = await mintIdJag(
 *   { iss: 'https://idp.example', sub: 'U1', aud: 'https://as.chat.example', client_id: 'c1',
 *     resource: 'https://mcp.chat.example', scope: 'chat.read', tenant: 'acme' },
 *   { kid: 'k1', alg: 'ES256', privateKey },
 * )
 * @see spec/xaa-protocol.md section 2(c), checklist items 5, 6 and 10
 */
export async function mintIdJag(
  input: MintIdJagInput,
  key: SigningKey,
  options: MintIdJagOptions = {},
): Promise<string> {
  checkSigningKey(key, 'mintIdJag')
  const now = resolveNow(options.now, 'mintIdJag')
  const maxLifetime = checkSeconds(options.maxLifetime, ID_JAG_MAX_LIFETIME, 'mintIdJag: maxLifetime', false)

  const issProblem = issuerUrlProblem(input.iss)
  if (issProblem !== undefined) refuse('iss', `${issProblem}; it must be the IdP issuer identifier`)
  if (!isNonEmptyString(input.sub)) refuse('sub', 'is required (a non-empty string)')
  const aud = singleAudience(input.aud)
  if (!isNonEmptyString(input.client_id)) refuse('client_id', 'is required (a non-empty string)')
  const jti = input.jti ?? randomJti()
  if (!isNonEmptyString(jti)) refuse('jti', 'must be a non-empty string')

  const iat = input.iat ?? now
  if (!isNumericDate(iat)) refuse('iat', 'must be epoch seconds')
  if (iat > now) refuse('iat', 'must not be in the future')
  const expiresIn = input.expiresIn ?? ID_JAG_DEFAULT_LIFETIME
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    refuse('exp', 'lifetime (expiresIn) must be a positive number of seconds')
  }
  if (expiresIn > maxLifetime) refuse('exp', `lifetime ${expiresIn} s exceeds the cap of ${maxLifetime} s`)
  const exp = iat + expiresIn
  if (exp <= now) refuse('exp', 'would already be in the past')

  const payload: Record<string, unknown> = { iss: input.iss, sub: input.sub, aud, client_id: input.client_id, jti }
  payload.iat = iat
  payload.exp = exp
  for (const name of OPTIONAL_ORDER) {
    const value = input[name]
    if (value === undefined) continue
    const problem =
      name === 'sub_id' || name === 'cnf' || name === 'resource' || name === 'scope'
        ? stepClaimProblem(name, value)
        : OPTIONAL_CLAIM_SHAPES[name]?.(value) === false
          ? 'has the wrong type'
          : undefined
    if (problem !== undefined) refuse(name, problem)
    payload[name] = value
  }
  if (typeof payload.nbf === 'number' && payload.nbf >= exp) refuse('nbf', 'must be before exp')
  if (typeof payload.auth_time === 'number' && payload.auth_time > now) refuse('auth_time', 'must not be in the future')

  for (const [name, value] of Object.entries(input.extra ?? {})) {
    if (name in payload || OPTIONAL_ORDER.includes(name as (typeof OPTIONAL_ORDER)[number]) || name === 'aud') {
      refuse(name, 'is a registered ID-JAG claim; pass it as a named input, not in extra')
    }
    if (value !== undefined) payload[name] = value
  }
  return signJwt(payload satisfies Partial<IdJagClaims>, key, ID_JAG_TYP)
}
