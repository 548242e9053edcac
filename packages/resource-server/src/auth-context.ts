/**
 * Who is calling, as the access token says: what a tool handler needs to find the user's data and check their
 * rights. It never holds the access token itself, so nothing built from it can pass the token on.
 *
 * @see spec/xaa-protocol.md section 2(e); RFC 9068 section 2.2; RFC 7662 section 2.2
 */
export interface AuthContext {
  /** `sub`: the user's account at the resource authorization server. */
  readonly subject: string
  /** `client_id`: the client (AI agent) the token was issued to. */
  readonly clientId: string
  /** The distinct scopes the token carries. */
  readonly scopes: readonly string[]
  /** `tenant`: the organization the token was issued in, when the AS is multi-tenant. */
  readonly organization: string | undefined
  /** `iss`: the authorization server that issued the token. */
  readonly issuer: string
  /** `exp`, epoch seconds, when known. */
  readonly expiresAt: number | undefined
  /** `jti`, when known. */
  readonly tokenId: string | undefined
  /** Every claim of the token (JWT payload or introspection answer), frozen. */
  readonly claims: Readonly<Record<string, unknown>>
}

/** Verifies a bearer token; refusals are ProtocolErrors (`invalid_token`, or `temporarily_unavailable`). */
export interface TokenVerifier {
  verify(token: string): Promise<AuthContext>
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

/** Builds a frozen {@link AuthContext} from checked claims. */
export function authContext(
  claims: Record<string, unknown>,
  fields: { subject: string; clientId: string; issuer: string; scopes: readonly string[] },
): AuthContext {
  return deepFreeze({
    subject: fields.subject,
    clientId: fields.clientId,
    scopes: [...fields.scopes],
    organization: typeof claims.tenant === 'string' && claims.tenant !== '' ? claims.tenant : undefined,
    issuer: fields.issuer,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    tokenId: typeof claims.jti === 'string' ? claims.jti : undefined,
    claims: structuredClone(claims),
  })
}
