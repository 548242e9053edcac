import { ID_JAG_TYP, SUB_ID_FORMAT_SAML_NAMEID } from '../constants.js'
import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { decodeCompactJws, KEY_REFERENCE_HEADERS, quote, typMatches, verifyJwsSignature } from '../internal/jws.js'
import { isNonEmptyString, isNumericDate } from '../internal/values.js'
import { splitScope } from '../scope.js'
import { cnfProblem, OPTIONAL_CLAIM_SHAPES, resourceList, subIdProblem } from './claim-shapes.js'
import type { IdJagClaims } from './claims.js'
import { ALLOW_ID_JAG_REPRESENTATION } from './replay.js'
import {
  type ResolvedContext,
  resolveContext,
  type TrustedIssuer,
  type VerifiedIdJag,
  type VerifyIdJagContext,
} from './verify-context.js'

// A jti is a database key at the replay store; a longer one is not a real ID-JAG.
const MAX_JTI_LENGTH = 256

function refuse(code: ProtocolErrorCode, description: string, rule: string, detail: string): ProtocolError {
  return new ProtocolError(code, description, { rule, detail })
}

function claimMissing(claim: string, rule: string): ProtocolError {
  return refuse('ERR_ID_JAG_CLAIM_MISSING', `the assertion lacks the ${claim} claim`, rule, `${claim} missing`)
}

function claimInvalid(claim: string, rule: string, problem = 'has the wrong type'): ProtocolError {
  return refuse('ERR_ID_JAG_CLAIM_INVALID', `the assertion ${claim} claim is invalid`, rule, `${claim} ${problem}`)
}

// 2(d).5: a string, or a one-element array, equal to this AS's issuer by simple string comparison.
function checkAudience(aud: unknown, ctx: ResolvedContext<TrustedIssuer>): void {
  const rule = '2(d).5 #17'
  const fail = (detail: string) =>
    refuse('ERR_ID_JAG_AUDIENCE', 'the assertion is not intended for this authorization server', rule, detail)
  if (aud === undefined) throw fail('aud missing')
  const list = typeof aud === 'string' ? [aud] : aud
  if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === 'string')) {
    throw fail('aud is neither a string nor an array of strings')
  }
  if (list.length > 1) throw fail(`aud has ${list.length} values; exactly one is allowed`)
  const [value] = list as [string]
  if (value === ctx.issuer) return
  if (ctx.tokenEndpoint !== undefined && value === ctx.tokenEndpoint) throw fail('aud equals the token endpoint URL')
  throw fail(`aud names another audience ${quote(value)}`)
}

// 2(d).6: exp in the future, nbf and iat not in the future (with skew); lifetime and age caps (RFC 7523 3).
function checkTimes(payload: Record<string, unknown>, ctx: ResolvedContext<TrustedIssuer>): void {
  const rule = '2(d).6 #18'
  const { exp, iat, nbf } = payload
  const { now, clockSkew: skew, maxLifetime } = ctx
  if (exp === undefined) throw claimMissing('exp', rule)
  if (!isNumericDate(exp)) throw claimInvalid('exp', rule)
  if (iat === undefined) throw claimMissing('iat', rule)
  if (!isNumericDate(iat)) throw claimInvalid('iat', rule)
  if (nbf !== undefined && !isNumericDate(nbf)) throw claimInvalid('nbf', rule)
  if (now >= exp + skew) {
    throw refuse('ERR_ID_JAG_EXPIRED', 'the assertion has expired', rule, `exp is ${now - exp} s in the past`)
  }
  if (nbf !== undefined && nbf > now + skew) {
    throw refuse('ERR_ID_JAG_NOT_YET_VALID', 'the assertion is not yet valid', rule, `nbf is ${nbf - now} s ahead`)
  }
  if (iat > now + skew) {
    throw refuse('ERR_ID_JAG_NOT_YET_VALID', 'the assertion is not yet valid', rule, `iat is ${iat - now} s ahead`)
  }
  if (exp <= iat) throw claimInvalid('exp', rule, 'is not after iat')
  // With iat at most skew ahead, this also caps exp - now at maxLifetime + skew.
  if (exp - iat > maxLifetime) {
    const detail = `exp - iat is ${exp - iat} s, above the cap of ${maxLifetime} s`
    throw refuse('ERR_ID_JAG_LIFETIME', 'the assertion lifetime is longer than this server accepts', rule, detail)
  }
  if (ctx.maxAge !== undefined && now - iat > ctx.maxAge + skew) {
    throw refuse('ERR_ID_JAG_EXPIRED', 'the assertion has expired', rule, `iat is ${now - iat} s old, above maxAge`)
  }
}

async function resourceAllowed(resource: string, ctx: ResolvedContext<TrustedIssuer>): Promise<boolean> {
  return typeof ctx.resources === 'function'
    ? (await ctx.resources(resource)) === true
    : ctx.resources.includes(resource)
}

/**
 * Verifies an ID-JAG presented in a jwt-bearer grant: every storage-free rule of section 2(d) steps 2-13, in order,
 * the signature before any claim, the `jti` recorded last so only a fully valid assertion consumes it. Each refusal
 * is a {@link ProtocolError} with an `ERR_ID_JAG_*` code and `oauthError` `invalid_grant`; its description names only
 * what the caller sent, its private `detail` says why. Misconfigured `ctx` throws a TypeError.
 *
 * @example
 * const { claims, resources, scopes } = await verifyIdJag(form.assertion, {
 *   issuer: 'https://as.chat.example', tokenEndpoint: 'https://as.chat.example/token', clientId: client.id,
 *   trustedIssuer: (iss) => trusts.get(iss), resources: ['https://mcp.chat.example'], replay: jtiStore,
 * })
 * @see spec/xaa-protocol.md section 2(d) steps 2-13, checklist items 15-25 and 28
 */
export async function verifyIdJag<T extends TrustedIssuer = TrustedIssuer>(
  assertion: string,
  context: VerifyIdJagContext<T>,
): Promise<VerifiedIdJag<T>> {
  const ctx = resolveContext(context)

  // 2(d).2 compact JWS, not JWE, JSON header and payload [#15]
  const decoded = decodeCompactJws(assertion)
  if (typeof decoded === 'string') {
    throw refuse('ERR_ID_JAG_MALFORMED', 'the assertion is not a well-formed signed JWT', '2(d).2 #15', decoded)
  }
  const { header, payload } = decoded

  // 2(d).2 typ is oauth-id-jag+jwt: refuses ID Tokens, access tokens, plain JWTs [#15]
  if (!typMatches(header.typ, ID_JAG_TYP)) {
    const detail = header.typ === undefined ? 'typ header missing' : `typ header is ${quote(header.typ)}`
    throw refuse('ERR_ID_JAG_TYP', 'the assertion is not an ID-JAG (typ header)', '2(d).2 #15', detail)
  }

  // 2(d).4 keys come from the issuer's trusted set only: never jku, x5u, jwk, x5c; no crit extensions [#16]
  const reference = KEY_REFERENCE_HEADERS.find((name) => header[name] !== undefined)
  if (reference !== undefined) {
    const description = 'the assertion header names or embeds a key'
    throw refuse('ERR_ID_JAG_KEY_REFERENCE', description, '2(d).4 #16', `header carries ${reference}`)
  }
  if (header.crit !== undefined || header.b64 !== undefined) {
    const detail = 'header carries crit or b64 (no JWS extension is understood)'
    throw refuse('ERR_ID_JAG_MALFORMED', 'the assertion is not a well-formed signed JWT', '2(d).2 #15', detail)
  }

  // 2(d).3 iss is a trusted issuer; read unverified only to pick its keys [#16]
  const { iss } = payload
  if (iss === undefined) throw claimMissing('iss', '2(d).3 #16')
  if (!isNonEmptyString(iss)) throw claimInvalid('iss', '2(d).3 #16')
  const trusted = await ctx.trustedIssuer(iss)
  if (trusted === undefined || trusted === null || trusted.issuer !== iss) {
    const detail = `iss ${quote(iss)} is not a trusted issuer`
    throw refuse('ERR_ID_JAG_ISSUER', 'the assertion issuer is not trusted', '2(d).3 #16', detail)
  }

  // 2(d).4 alg on the allow-list and on the issuer's list: never none, never HMAC [#16]
  const { alg } = header
  if (
    typeof alg !== 'string' ||
    !ctx.algorithms.includes(alg) ||
    (trusted.algorithms !== undefined && !trusted.algorithms.includes(alg))
  ) {
    const detail = `alg ${quote(alg)} is not accepted for this issuer`
    throw refuse('ERR_ID_JAG_ALG', 'the assertion signing algorithm is not accepted', '2(d).4 #16', detail)
  }

  // 2(d).4 signature with the issuer's keys, before any other claim is looked at [#16, #28]
  const signature = await verifyJwsSignature(assertion, trusted.keys, alg, decoded.header)
  if (!signature.ok) {
    const [code, description]: [ProtocolErrorCode, string] =
      signature.failure === 'key-not-found'
        ? ['ERR_ID_JAG_KEY_NOT_FOUND', 'no key of the assertion issuer matches the assertion']
        : signature.failure === 'keys-unavailable'
          ? ['ERR_ID_JAG_KEYS_UNAVAILABLE', 'the assertion issuer keys are unavailable']
          : ['ERR_ID_JAG_SIGNATURE', 'the assertion signature is invalid']
    throw refuse(code, description, '2(d).4 #16', signature.detail)
  }

  // 2(d).5 aud is this AS's issuer, alone [#17]
  checkAudience(payload.aud, ctx)

  // 2(d).6 exp, nbf, iat with skew; lifetime cap; iat not in the future [#18]
  checkTimes(payload, ctx)

  // 2(d).7 REQUIRED claims present and well-typed; optional claims well-typed [#18]
  for (const [claim, rule] of [
    ['sub', '2(c)'],
    ['jti', '2(d).7 #18'],
    ['client_id', '2(d).8 #20'],
  ] as const) {
    if (payload[claim] === undefined) throw claimMissing(claim, rule)
    if (!isNonEmptyString(payload[claim])) throw claimInvalid(claim, rule)
  }
  const jti = payload.jti as string
  if (jti.length > MAX_JTI_LENGTH) throw claimInvalid('jti', '2(d).7 #18', `is longer than ${MAX_JTI_LENGTH}`)
  for (const [claim, isValid] of Object.entries(OPTIONAL_CLAIM_SHAPES)) {
    if (payload[claim] !== undefined && !isValid(payload[claim])) throw claimInvalid(claim, '2(c)')
  }

  // 2(d).8 client continuity: issued to the authenticated client, which this trust covers [#20]
  const clientFail = (detail: string) =>
    refuse('ERR_ID_JAG_CLIENT', 'the assertion was not issued to this client', '2(d).8 #20', detail)
  if (payload.client_id !== ctx.clientId) throw clientFail('client_id claim names another client')
  if (trusted.clients !== undefined && !trusted.clients.includes(ctx.clientId)) {
    throw clientFail('the issuer trust does not cover this client')
  }

  // 2(d).9 tenant and aud_tenant match the expected tenant context [#23]
  const tenantFail = (detail: string) =>
    refuse('ERR_ID_JAG_TENANT', 'the assertion tenant does not match', '2(d).9 #23', detail)
  for (const [source, expected] of [
    ['issuer trust', trusted.tenant],
    ['request context', ctx.tenant],
  ] as const) {
    if (expected === undefined) continue
    if (payload.tenant === undefined) throw tenantFail(`tenant missing; the ${source} expects one`)
    if (payload.tenant !== expected) throw tenantFail(`tenant differs from the ${source}`)
  }
  if (ctx.audTenant !== undefined && payload.aud_tenant !== undefined && payload.aud_tenant !== ctx.audTenant) {
    throw tenantFail('aud_tenant differs from this AS tenant')
  }

  // 2(d).10 sub_id shape; its SAML issuer never establishes trust, it must be associated with iss [#24]
  const subIdFail = (detail: string) =>
    refuse('ERR_ID_JAG_SUB_ID', 'the assertion sub_id claim is invalid or not usable', '2(d).10 #24', detail)
  const subId = payload.sub_id
  if (subId === undefined && ctx.requireSubId === true) throw subIdFail('sub_id missing and required')
  if (subId !== undefined) {
    const problem = subIdProblem(subId)
    if (problem !== undefined) throw subIdFail(`sub_id ${problem}`)
    const { format, issuer } = subId as { format: string; issuer?: string }
    if (format === SUB_ID_FORMAT_SAML_NAMEID && !(trusted.samlIssuers ?? []).includes(issuer as string)) {
      throw subIdFail('sub_id names a SAML issuer not associated with iss')
    }
  }

  // 2(d).11 cnf and DPoP: bound needs the matching proof; a resource may require one [#25]
  const cnfFail = (description: string, detail: string) => refuse('ERR_ID_JAG_CNF', description, '2(d).11 #25', detail)
  if (payload.cnf !== undefined) {
    const problem = cnfProblem(payload.cnf)
    if (problem !== undefined) throw cnfFail('the assertion cnf claim is not supported', `cnf ${problem}`)
    const { jkt } = payload.cnf as { jkt: string }
    const description = 'the assertion is bound to a DPoP key that was not presented'
    if (ctx.dpopJkt === undefined) throw cnfFail(description, 'cnf.jkt present but no DPoP proof')
    if (ctx.dpopJkt !== jkt) throw cnfFail(description, 'DPoP proof key thumbprint differs from cnf.jkt')
  } else if (ctx.requireDpop === true && ctx.dpopJkt === undefined) {
    throw cnfFail('a DPoP proof is required', 'no cnf and no DPoP proof; sender-constrained tokens required')
  }

  // 2(d).12 resource: required by default (decision 2); each listed resource served by this AS [#21]
  const resources = resourceList(payload.resource)
  const resourceFail = (description: string, detail: string) =>
    refuse('ERR_ID_JAG_RESOURCE', description, '2(d).12 #21', detail)
  if (typeof resources === 'string')
    throw resourceFail('the assertion resource claim is invalid', `resource ${resources}`)
  if (resources.length === 0 && ctx.requireResource) {
    throw resourceFail('the assertion names no resource', 'resource missing and required')
  }
  for (const resource of resources) {
    if (!(await resourceAllowed(resource, ctx))) {
      const detail = `resource ${quote(resource)} is not served by this AS`
      throw resourceFail('the assertion names a resource this server does not serve', detail)
    }
  }

  // 2(d).13 scope: RFC 6749 3.3 tokens; the grant never exceeds them (intersectScopes) [#22]
  const scopes = payload.scope === undefined ? [] : splitScope(payload.scope)
  if (scopes === undefined) {
    throw refuse('ERR_ID_JAG_SCOPE', 'the assertion scope claim is malformed', '2(d).13 #22', 'scope is malformed')
  }

  // 2(d).7 replay, last: only a fully valid assertion consumes its jti, keyed by (iss, jti) until exp [#19]
  if (ctx.replay !== ALLOW_ID_JAG_REPRESENTATION) {
    if (!(await ctx.replay.firstUse(iss, jti, payload.exp as number))) {
      throw refuse('ERR_ID_JAG_REPLAY', 'the assertion has already been used', '2(d).7 #19', 'jti seen before')
    }
  }

  return { header, claims: payload as IdJagClaims, issuer: trusted, resources, scopes }
}
