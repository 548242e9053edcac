/**
 * The claims of an Identity Assertion JWT Authorization Grant (ID-JAG), as the wire carries them.
 *
 * @see spec/xaa-protocol.md section 2(c)
 */

/** RFC 9493 `saml-nameid` subject identifier of ID-JAG -04: the NameID the IdP would issue to the resource AS. */
export interface SamlNameIdSubjectIdentifier {
  format: 'saml-nameid'
  /** SAML issuer entity ID. Never establishes trust in the ID-JAG issuer. */
  issuer: string
  nameid: string
  nameid_format?: string
  name_qualifier?: string
  sp_name_qualifier?: string
  sp_provided_id?: string
}

/** RFC 9493 subject identifier (`sub_id`): the same user as `sub`, named in another namespace. */
export type SubjectIdentifier =
  | SamlNameIdSubjectIdentifier
  | { format: 'account'; uri: string }
  | { format: 'email'; email: string }
  | { format: 'iss_sub'; iss: string; sub: string }
  | { format: 'opaque'; id: string }
  | { format: 'phone_number'; phone_number: string }
  | { format: 'did'; url: string }
  | { format: 'uri'; uri: string }
  | { format: 'aliases'; identifiers: SubjectIdentifier[] }

import type { AuthorizationDetail } from '../token-exchange/authorization-details.js'

export type { AuthorizationDetail }

/** RFC 8693 4.1 actor claim. The ID-JAG draft leaves its semantics to future profiles. */
export interface ActorClaim {
  sub?: string
  iss?: string
  act?: ActorClaim
  [claim: string]: unknown
}

/** RFC 7800 confirmation; the ID-JAG uses RFC 9449 `jkt` (JWK SHA-256 thumbprint of the DPoP key). */
export interface ConfirmationClaim {
  jkt?: string
  [method: string]: unknown
}

/** The claims ID-JAG -04 section 3 names, without the open-ended "any other ID Token claim". */
export interface IdJagRegisteredClaims {
  /** REQUIRED. IdP issuer identifier (RFC 8414). */
  iss: string
  /** REQUIRED. Subject in the IdP's namespace, as the IdP would put it in an SSO assertion for the resource AS. */
  sub: string
  /** OPTIONAL. RFC 9493 subject identifier. */
  sub_id?: SubjectIdentifier
  /** REQUIRED. The resource AS issuer identifier: a string, or an array of exactly one element. */
  aud: string | [string]
  /** REQUIRED. The client's identifier at the resource AS. */
  client_id: string
  /** REQUIRED. Unique identifier; the resource AS records (`iss`, `jti`) until `exp`. */
  jti: string
  /** REQUIRED. Expiry, epoch seconds. */
  exp: number
  /** REQUIRED. Issued at, epoch seconds. */
  iat: number
  /** OPTIONAL (RFC 7523: MAY). Not before, epoch seconds. */
  nbf?: number
  /** OPTIONAL. RFC 8707 resource indicator(s). */
  resource?: string | string[]
  /** OPTIONAL. Space-delimited scopes. */
  scope?: string
  /** OPTIONAL. RFC 9396 authorization details. */
  authorization_details?: AuthorizationDetail[]
  /** OPTIONAL. RFC 8693 actor. */
  act?: ActorClaim
  /** OPTIONAL; present whenever tenancy matters (project decision 7: always). IdP-side tenant. */
  tenant?: string
  auth_time?: number
  acr?: string
  amr?: string[]
  /** OPTIONAL. Resource-AS-side tenant identifier. */
  aud_tenant?: string
  /** OPTIONAL. The resource AS's own identifier for the user. */
  aud_sub?: string
  email?: string
  /** Present if the IdP accepted a DPoP proof at token exchange. */
  cnf?: ConfirmationClaim
}

/** An ID-JAG claim set: the registered claims plus any other claim valid in an ID Token. */
export interface IdJagClaims extends IdJagRegisteredClaims {
  [claim: string]: unknown
}
