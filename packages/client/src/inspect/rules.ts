import {
  ACCESS_TOKEN_MAX_LIFETIME,
  ACCESS_TOKEN_TYP,
  DEFAULT_CLOCK_SKEW,
  DPOP_PROOF_TYP,
  ID_JAG_MAX_LIFETIME,
  ID_JAG_TYP,
  parseScope,
} from '@openxaa/protocol'
import { type JwtKind, normalizeTyp } from './classify.js'

/** One rule a token breaks (or bends). */
export interface InspectFinding {
  severity: 'error' | 'warning'
  /** Where the rule is written, e.g. `ID-JAG 2(c) / RFC 8725 3.11`. */
  rule: string
  message: string
}

type Claims = Record<string, unknown>
const isDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

const REQUIRED: Partial<Record<JwtKind, { claims: string[]; rule: string }>> = {
  'id-jag': { claims: ['iss', 'sub', 'aud', 'client_id', 'jti', 'exp', 'iat'], rule: 'ID-JAG 2(c)' },
  'access-token': { claims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'], rule: 'RFC 9068 2.2' },
  'id-token': { claims: ['iss', 'sub', 'aud', 'exp', 'iat'], rule: 'OIDC Core 2' },
  'dpop-proof': { claims: ['jti', 'htm', 'htu', 'iat'], rule: 'RFC 9449 4.2' },
  'client-assertion': { claims: ['iss', 'sub', 'aud', 'exp', 'jti'], rule: 'RFC 7523 3' },
}

const EXPECTED_TYP: Partial<Record<JwtKind, [string, string]>> = {
  'id-jag': [ID_JAG_TYP, 'ID-JAG 2(c) / RFC 8725 3.11'],
  'access-token': [ACCESS_TOKEN_TYP, 'RFC 9068 2.1'],
  'dpop-proof': [DPOP_PROOF_TYP, 'RFC 9449 4.2'],
}

/** Every rule of the kind's spec that can be checked offline, without the issuer's keys. */
export function findingsFor(kind: JwtKind, header: Claims, claims: Claims, now: number): InspectFinding[] {
  const out: InspectFinding[] = []
  const error = (rule: string, message: string) => out.push({ severity: 'error', rule, message })
  const warn = (rule: string, message: string) => out.push({ severity: 'warning', rule, message })

  const alg = header.alg
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none')
    error('RFC 8725 3.1', 'alg is none: the token is not signed')
  else if (/^HS/i.test(alg) && kind !== 'unknown')
    error('RFC 8725 3.2 / decision 5', `alg ${alg} is an HMAC: never accepted here`)
  for (const name of ['jku', 'x5u', 'x5c'] as const) {
    if (header[name] !== undefined)
      error('RFC 8725 3.10 / ID-JAG 2(d).4', `header names a key by ${name}: never followed`)
  }
  if (header.jwk !== undefined && kind !== 'dpop-proof')
    error('ID-JAG 2(d).4', 'header embeds a key (jwk): never trusted')
  if (kind === 'dpop-proof' && header.jwk === undefined)
    error('RFC 9449 4.2', 'a DPoP proof must carry its public key in jwk')

  const expected = EXPECTED_TYP[kind]
  if (expected !== undefined && normalizeTyp(header.typ) !== expected[0]) {
    const actual = header.typ === undefined ? 'missing' : `"${String(header.typ)}"`
    error(expected[1], `typ is ${actual}; it must be ${expected[0]}`)
  }
  if (kind === 'id-token' && [ID_JAG_TYP, ACCESS_TOKEN_TYP].includes(normalizeTyp(header.typ) ?? '')) {
    error('RFC 8725 3.11', 'typ names another kind of token')
  }

  const required = REQUIRED[kind]
  for (const claim of required?.claims ?? []) {
    if (claims[claim] === undefined) error(required!.rule, `the REQUIRED claim ${claim} is missing`)
  }

  // Audience: one value for an ID-JAG (the resource AS issuer); several in an ID token need azp.
  const aud = claims.aud
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined
  if (aud !== undefined && (audiences === undefined || audiences.some((a) => typeof a !== 'string'))) {
    error('RFC 7519 4.1.3', 'aud is neither a string nor an array of strings')
  } else if (audiences !== undefined) {
    if (kind === 'id-jag' && audiences.length !== 1) {
      error(
        'ID-JAG 2(c) / 2(d).5 [#6, #17]',
        `aud has ${audiences.length} values; exactly one (the resource AS issuer) is allowed`,
      )
    }
    if (kind === 'id-jag' && audiences.length === 1 && !/^https?:\/\//.test(audiences[0] as string)) {
      error('ID-JAG 2(c)', 'aud is not an issuer identifier (a URL)')
    }
    if (kind === 'id-token' && audiences.length > 1 && claims.azp === undefined) {
      error('OIDC Core 2', 'several audiences and no azp')
    }
  }

  // Times
  const { exp, iat, nbf } = claims
  for (const [name, value] of [
    ['exp', exp],
    ['iat', iat],
    ['nbf', nbf],
  ] as const) {
    if (value !== undefined && !isDate(value)) error('RFC 7519 2', `${name} is not a NumericDate`)
  }
  if (isDate(exp) && now >= exp) error('RFC 7519 4.1.4', `expired ${describeSeconds(now - exp)} ago`)
  if (isDate(iat) && iat > now + DEFAULT_CLOCK_SKEW)
    error('RFC 7519 4.1.6', `issued ${describeSeconds(iat - now)} in the future`)
  if (isDate(nbf) && nbf > now + DEFAULT_CLOCK_SKEW)
    warn('RFC 7519 4.1.5', `not valid for another ${describeSeconds(nbf - now)}`)
  if (isDate(exp) && isDate(iat)) {
    const lifetime = exp - iat
    if (lifetime <= 0) error('RFC 7519 4.1.4', 'exp is not after iat')
    if (kind === 'id-jag' && lifetime > ID_JAG_MAX_LIFETIME) {
      error('decision 4 [#10]', `lifetime is ${lifetime} s; an ID-JAG lives at most ${ID_JAG_MAX_LIFETIME} s`)
    }
    if (kind === 'access-token' && lifetime > ACCESS_TOKEN_MAX_LIFETIME) {
      warn('decision 4 / MCP short-lived tokens', `lifetime is ${lifetime} s, above ${ACCESS_TOKEN_MAX_LIFETIME} s`)
    }
  }

  // Claim shapes of the ID-JAG and access token
  if (claims.scope !== undefined) {
    try {
      parseScope(claims.scope as string)
    } catch {
      error('RFC 6749 3.3', 'scope is not a space-separated list of scope tokens')
    }
  }
  if (kind === 'id-jag') {
    const resources = typeof claims.resource === 'string' ? [claims.resource] : claims.resource
    if (
      claims.resource !== undefined &&
      (!Array.isArray(resources) ||
        !resources.every((r) => typeof r === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(r) && !r.includes('#')))
    ) {
      error('RFC 8707 2', 'resource is not one or more absolute URIs without fragment')
    }
    if (claims.resource === undefined) warn('decision 2 [#21]', 'no resource claim: OpenXAA resource servers refuse it')
    const cnf = claims.cnf as { jkt?: unknown } | undefined
    if (cnf !== undefined && typeof cnf?.jkt !== 'string') error('ID-JAG 2(g) [#13]', 'cnf has no jkt')
  }
  return out
}

/** `90 s`, `5 min`, `3 h`, `2 d`. */
export function describeSeconds(seconds: number): string {
  const s = Math.abs(Math.round(seconds))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172_800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86_400)} d`
}
