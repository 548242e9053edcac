import { decodeJwt, decodeProtectedHeader } from 'jose'
import { classify, type JwtKind } from './classify.js'
import { describeSeconds, findingsFor, type InspectFinding } from './rules.js'

export type { InspectFinding, JwtKind }

/** What {@link inspectJwt} found. The signature is not checked: this is a decoder, not a verifier. */
export interface InspectReport {
  kind: JwtKind
  /** How the kind was recognised. */
  recognisedBy: string
  header: { alg?: string; typ?: string; kid?: string }
  issuer?: string
  subject?: string
  audience?: string[]
  clientId?: string
  scope?: string
  resource?: string | string[]
  tenant?: string
  email?: string
  /** RFC 7638 thumbprint the token is bound to (`cnf.jkt`). */
  boundToJkt?: string
  /** Epoch seconds. */
  issuedAt?: number
  expiresAt?: number
  /** Seconds from `iat` to `exp`. */
  lifetime?: number
  /** Human text: `expires in 4 min`, `expired 2 h ago`. */
  expiry?: string
  findings: InspectFinding[]
  /** No finding of severity error. */
  ok: boolean
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

/**
 * Decodes an ID token, ID-JAG, access token, DPoP proof or client assertion offline and says what it is (by `typ`,
 * else by claims), who issued it for whom, when it expires, and which rule of its spec it breaks. The report holds
 * selected claims, never the token; a string that is not a JWT is reported as such.
 *
 * @example
 * ```ts
 * const report = inspectJwt(token)
 * if (!report.ok) for (const f of report.findings) console.log(f.rule, f.message)
 * ```
 * @see xaa-protocol.md sections 2(c) and 2(e); RFC 9068; OIDC Core 2; RFC 8725
 */
export function inspectJwt(jwt: string, options: { now?: number } = {}): InspectReport {
  const now = options.now ?? Math.floor(Date.now() / 1000)
  const token = jwt.trim()
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    if (token.split('.').length !== 3) throw new Error('not three parts')
    header = decodeProtectedHeader(token) as Record<string, unknown>
    claims = decodeJwt(token) as Record<string, unknown>
  } catch {
    const parts = token.split('.').length
    const message =
      parts === 5
        ? 'this is an encrypted JWT (JWE); it cannot be read offline'
        : 'this is not a JWT (compact JWS with JSON header and claims)'
    return {
      kind: 'unknown',
      recognisedBy: 'not decodable',
      header: {},
      findings: [{ severity: 'error', rule: 'RFC 7519 7.2', message }],
      ok: false,
    }
  }
  const { kind, by } = classify(header, claims)
  const findings = findingsFor(kind, header, claims, now)
  const aud =
    typeof claims.aud === 'string'
      ? [claims.aud]
      : Array.isArray(claims.aud)
        ? claims.aud.filter((a): a is string => typeof a === 'string')
        : undefined
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined
  const resource =
    typeof claims.resource === 'string' || Array.isArray(claims.resource)
      ? (claims.resource as string | string[])
      : undefined
  const jkt = str((claims.cnf as { jkt?: unknown } | undefined)?.jkt)
  const report: InspectReport = {
    kind,
    recognisedBy: by,
    header: {
      ...(str(header.alg) === undefined ? {} : { alg: str(header.alg) }),
      ...(str(header.typ) === undefined ? {} : { typ: str(header.typ) }),
      ...(str(header.kid) === undefined ? {} : { kid: str(header.kid) }),
    },
    findings,
    ok: !findings.some((f) => f.severity === 'error'),
  }
  const optional: Partial<InspectReport> = {
    issuer: str(claims.iss),
    subject: str(claims.sub),
    audience: aud,
    clientId: str(claims.client_id),
    scope: str(claims.scope),
    resource,
    tenant: str(claims.tenant),
    email: str(claims.email),
    boundToJkt: jkt,
    issuedAt: iat,
    expiresAt: exp,
    lifetime: exp !== undefined && iat !== undefined ? exp - iat : undefined,
    expiry:
      exp === undefined
        ? undefined
        : exp > now
          ? `expires in ${describeSeconds(exp - now)}`
          : `expired ${describeSeconds(now - exp)} ago`,
  }
  for (const [name, value] of Object.entries(optional))
    if (value !== undefined) Object.assign(report, { [name]: value })
  return report
}
