import type { JWSHeaderParameters } from 'jose'
import { DEFAULT_ALLOWED_ALGORITHMS, DEFAULT_CLOCK_SKEW, ID_JAG_MAX_LIFETIME } from '../constants.js'
import { ASYMMETRIC_JWS_ALGORITHMS } from '../internal/jws.js'
import { checkSeconds, isNonEmptyString, resolveNow } from '../internal/values.js'
import type { KeySource } from '../keys.js'
import type { IdJagClaims } from './claims.js'
import { ALLOW_ID_JAG_REPRESENTATION, type ReplayStore } from './replay.js'

/**
 * An IdP this resource AS trusts to issue ID-JAGs (per organization, project decision 7).
 * @see spec/xaa-protocol.md section 2(d) steps 3, 4, 8 and 9
 */
export interface TrustedIssuer {
  /** The IdP issuer identifier, compared exactly with `iss`. */
  issuer: string
  /** The IdP's signing keys (its `jwks_uri` through {@link createJwksCache}, or an inline set). */
  keys: KeySource
  /** Narrows the context's algorithm allow-list for this issuer. */
  algorithms?: readonly string[]
  /** The IdP-side `tenant` this trust covers; the ID-JAG must carry exactly this `tenant`. */
  tenant?: string
  /** `client_id`s this trust covers; absent means any authenticated client. */
  clients?: readonly string[]
  /** SAML issuer entity IDs explicitly associated with this IdP; a `saml-nameid` `sub_id` must name one of them. */
  samlIssuers?: readonly string[]
}

/**
 * What {@link verifyIdJag} needs to know about this resource AS and the request.
 * @see spec/xaa-protocol.md section 2(d)
 */
export interface VerifyIdJagContext<T extends TrustedIssuer = TrustedIssuer> {
  /** This resource AS's issuer identifier: the only accepted audience. */
  issuer: string
  /** This AS's token endpoint URL; only used to name that mistake in the private detail. */
  tokenEndpoint?: string
  /** Looks up the trust for an `iss`; undefined when not trusted. */
  trustedIssuer: (iss: string) => T | undefined | Promise<T | undefined>
  /** The authenticated client. */
  clientId: string
  /** The resource identifiers this AS serves, or a predicate over one. */
  resources: readonly string[] | ((resource: string) => boolean | Promise<boolean>)
  /** Refuse an ID-JAG without `resource` (project decision 2). Default true. */
  requireResource?: boolean
  /** Where `jti`s are recorded, or {@link ALLOW_ID_JAG_REPRESENTATION}. */
  replay: ReplayStore | typeof ALLOW_ID_JAG_REPRESENTATION
  /** Accepted `alg`s; default {@link DEFAULT_ALLOWED_ALGORITHMS}. Asymmetric algorithms only. */
  algorithms?: readonly string[]
  /** Seconds of tolerance on `exp`, `nbf`, `iat`. Default {@link DEFAULT_CLOCK_SKEW}. */
  clockSkew?: number
  /** Cap in seconds on `exp - iat` and `exp - now`. Default {@link ID_JAG_MAX_LIFETIME}. */
  maxLifetime?: number
  /** Refuse an `iat` older than this many seconds. */
  maxAge?: number
  /** Current time, epoch seconds. */
  now?: number
  /** RFC 7638 thumbprint of the DPoP proof key the caller verified on this request, if any. */
  dpopJkt?: string
  /** Refuse when no DPoP proof was presented (the resource requires sender-constrained tokens). */
  requireDpop?: boolean
  /** The `tenant` expected for this client/subject, in addition to the trusted issuer's. */
  tenant?: string
  /** The resource-AS-side tenant; an `aud_tenant` claim must equal it. */
  audTenant?: string
  /** Refuse an ID-JAG without a usable `sub_id`. */
  requireSubId?: boolean
}

/** A verified ID-JAG and what the grant handler needs next. */
export interface VerifiedIdJag<T extends TrustedIssuer = TrustedIssuer> {
  header: JWSHeaderParameters
  claims: IdJagClaims
  issuer: T
  /** The `resource` claim as a list (empty only when not required and absent). */
  resources: string[]
  /** The distinct tokens of the `scope` claim. */
  scopes: string[]
}

export interface ResolvedContext<T extends TrustedIssuer> extends VerifyIdJagContext<T> {
  algorithms: readonly string[]
  clockSkew: number
  maxLifetime: number
  now: number
  requireResource: boolean
}

/** Fills defaults and refuses a misconfigured context with a TypeError naming the option. */
export function resolveContext<T extends TrustedIssuer>(ctx: VerifyIdJagContext<T>): ResolvedContext<T> {
  const where = 'verifyIdJag: ctx'
  if (typeof ctx !== 'object' || ctx === null) throw new TypeError(`${where} must be an object`)
  if (!isNonEmptyString(ctx.issuer)) throw new TypeError(`${where}.issuer must be this AS's issuer identifier`)
  if (typeof ctx.trustedIssuer !== 'function') throw new TypeError(`${where}.trustedIssuer must be a function`)
  if (!isNonEmptyString(ctx.clientId)) throw new TypeError(`${where}.clientId must be the authenticated client`)
  if (typeof ctx.resources !== 'function' && !Array.isArray(ctx.resources)) {
    throw new TypeError(`${where}.resources must be an array of resource identifiers or a predicate`)
  }
  const replay: unknown = ctx.replay
  if (replay !== ALLOW_ID_JAG_REPRESENTATION && typeof (replay as ReplayStore | undefined)?.firstUse !== 'function') {
    throw new TypeError(`${where}.replay must be a ReplayStore or ALLOW_ID_JAG_REPRESENTATION`)
  }
  const algorithms = ctx.algorithms ?? DEFAULT_ALLOWED_ALGORITHMS
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => ASYMMETRIC_JWS_ALGORITHMS.has(a))
  ) {
    throw new TypeError(`${where}.algorithms must list asymmetric JWS algorithms only (never none or HMAC)`)
  }
  return {
    ...ctx,
    algorithms,
    clockSkew: checkSeconds(ctx.clockSkew, DEFAULT_CLOCK_SKEW, `${where}.clockSkew`),
    maxLifetime: checkSeconds(ctx.maxLifetime, ID_JAG_MAX_LIFETIME, `${where}.maxLifetime`, false),
    maxAge: ctx.maxAge === undefined ? undefined : checkSeconds(ctx.maxAge, 0, `${where}.maxAge`, false),
    now: resolveNow(ctx.now, 'verifyIdJag'),
    requireResource: ctx.requireResource ?? true,
  }
}
