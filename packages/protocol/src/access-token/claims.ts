import type { ConfirmationClaim } from '../id-jag/claims.js'

/**
 * The claims of an RFC 9068 JWT access token the resource AS issues for an MCP server.
 * @see spec/xaa-protocol.md section 2(e)
 */
export interface AccessTokenRegisteredClaims {
  /** REQUIRED. The resource AS issuer identifier. */
  iss: string
  /** REQUIRED. The subject (the resource AS's account for the user). */
  sub: string
  /** REQUIRED. The resource server(s): the MCP server named by the ID-JAG `resource` (EMA). */
  aud: string | string[]
  /** REQUIRED. The client the token was issued to. */
  client_id: string
  /** REQUIRED. */
  jti: string
  /** REQUIRED. Epoch seconds. */
  iat: number
  /** REQUIRED. Epoch seconds. */
  exp: number
  nbf?: number
  /** Space-delimited granted scopes. */
  scope?: string
  auth_time?: number
  acr?: string
  amr?: string[]
  /** RFC 9449 `jkt` when the token is DPoP-bound. */
  cnf?: ConfirmationClaim
  /** The organization (tenant) the token was issued in. */
  tenant?: string
  /** RFC 9068 2.2.3.1 authorization attributes. */
  groups?: string[]
  roles?: string[]
  entitlements?: string[]
}

/** An RFC 9068 claim set: the registered claims plus any other claim. */
export interface AccessTokenClaims extends AccessTokenRegisteredClaims {
  [claim: string]: unknown
}
