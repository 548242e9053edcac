import { JSON_MEDIA_TYPE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_N_A } from '../constants.js'
import { NO_STORE_HEADERS } from '../errors.js'
import { joinScope, sameScopes } from '../internal/scope.js'
import { checkOAuthErrorBody, readExpiresIn, readScope, readTokenString } from '../internal/token-response.js'
import { ResponseValidationError } from '../response-error.js'
import { type AuthorizationDetail, authorizationDetailsProblem } from './authorization-details.js'
import type { RequestedTokenType } from './request.js'

/** The JSON body of a successful ID-JAG token exchange (spec 2(b) success response). */
export interface TokenExchangeResponseBody {
  issued_token_type: RequestedTokenType
  /** The issued token (the ID-JAG); the name is historical (RFC 8693 2.2.1). */
  access_token: string
  token_type: typeof TOKEN_TYPE_N_A
  expires_in: number
  scope?: string
  authorization_details?: AuthorizationDetail[]
}

/** Inputs of {@link buildTokenExchangeResponse}. */
export interface TokenExchangeResponseParams {
  /** The minted ID-JAG (or, on the SAML path, the refresh token with `issuedTokenType`). */
  idJag: string
  /** Seconds until the token expires. */
  expiresIn: number
  /** Scopes the client asked for, or undefined when it sent no `scope`. */
  requestedScopes?: readonly string[]
  /** Scopes granted (those in the ID-JAG). `scope` is sent when they differ from the request. */
  grantedScopes?: readonly string[]
  /** Granted authorization details; sent whenever given (RFC 9396 7: MUST when changed). */
  authorizationDetails?: readonly AuthorizationDetail[]
  /** Default: the ID-JAG token type. */
  issuedTokenType?: RequestedTokenType
}

/**
 * Builds the token-exchange success body: `issued_token_type` id-jag, the token in `access_token`, `token_type`
 * `N_A`, `expires_in`, `scope` when the grant differs from the request (REQUIRED then), never a `refresh_token`.
 *
 * @example
 * ```ts
 * buildTokenExchangeResponse({ idJag, expiresIn: 300, requestedScopes: req.scopes, grantedScopes: granted })
 * ```
 * @see xaa-protocol.md section 2(b) "Success response"; RFC 8693 2.2.1; RFC 6749 5.1
 */
export function buildTokenExchangeResponse(params: TokenExchangeResponseParams): TokenExchangeResponseBody {
  if (params.idJag === '') throw new TypeError('idJag must not be empty')
  if (!Number.isInteger(params.expiresIn) || params.expiresIn <= 0) {
    throw new TypeError('expiresIn must be a positive integer')
  }
  const body: TokenExchangeResponseBody = {
    issued_token_type: params.issuedTokenType ?? TOKEN_TYPE_ID_JAG,
    access_token: params.idJag,
    token_type: TOKEN_TYPE_N_A,
    expires_in: params.expiresIn,
  }
  const granted = params.grantedScopes
  if (granted !== undefined) {
    const requested = params.requestedScopes
    if (granted.length === 0 && requested !== undefined && requested.length > 0) {
      throw new TypeError('grantedScopes is empty: refuse the request (invalid_scope) instead of answering')
    }
    if (granted.length > 0 && (requested === undefined || !sameScopes(requested, granted))) {
      body.scope = joinScope(granted, 'grantedScopes')
    }
  }
  if (params.authorizationDetails !== undefined) {
    const problem = authorizationDetailsProblem(params.authorizationDetails)
    if (problem !== undefined) throw new TypeError(`authorizationDetails ${problem}`)
    body.authorization_details = [...params.authorizationDetails]
  }
  return body
}

/** The HTTP form of {@link buildTokenExchangeResponse}: 200, JSON, `Cache-Control: no-store`, `Pragma: no-cache`. */
export function tokenExchangeResponse(params: TokenExchangeResponseParams): Response {
  return new Response(JSON.stringify(buildTokenExchangeResponse(params)), {
    status: 200,
    headers: { ...NO_STORE_HEADERS, 'Content-Type': JSON_MEDIA_TYPE },
  })
}

/** A token-exchange response a client may use. */
export interface ProcessedTokenExchangeResponse {
  /** The issued token: the ID-JAG (or, if asked for, the IdP refresh token). */
  issuedToken: string
  issuedTokenType: string
  expiresIn: number | undefined
  /** Scopes granted, when the server said (absent means "as requested", RFC 6749 5.1). */
  scopes: string[] | undefined
  authorizationDetails: AuthorizationDetail[] | undefined
}

/**
 * Checks a token-exchange response body on the client: an OAuth error body, `issued_token_type` other than the
 * expected one (exact match), `token_type` other than `N_A` (case-insensitive), a missing `access_token` or a
 * non-numeric `expires_in` throw {@link ResponseValidationError}. A `refresh_token` is ignored, never returned.
 *
 * @example
 * ```ts
 * const { issuedToken: idJag, expiresIn } = processTokenExchangeResponse(await res.json())
 * ```
 * @see xaa-protocol.md section 2(b); RFC 8693 2.2.1
 */
export function processTokenExchangeResponse(
  json: unknown,
  options: { expectedIssuedTokenType?: RequestedTokenType } = {},
): ProcessedTokenExchangeResponse {
  const body = checkOAuthErrorBody(json)
  const expected = options.expectedIssuedTokenType ?? TOKEN_TYPE_ID_JAG
  if (body.issued_token_type !== expected) {
    throw new ResponseValidationError('ERR_RESPONSE_ISSUED_TOKEN_TYPE', `issued_token_type is not ${expected}`, {
      field: 'issued_token_type',
    })
  }
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== TOKEN_TYPE_N_A.toLowerCase()) {
    throw new ResponseValidationError('ERR_RESPONSE_TOKEN_TYPE', 'token_type of an issued ID-JAG must be N_A', {
      field: 'token_type',
    })
  }
  const issuedToken = readTokenString(body, 'access_token')
  const expiresIn = readExpiresIn(body)
  const scopes = readScope(body)
  let authorizationDetails: AuthorizationDetail[] | undefined
  if (body.authorization_details !== undefined) {
    const problem = authorizationDetailsProblem(body.authorization_details)
    if (problem !== undefined) {
      throw new ResponseValidationError('ERR_RESPONSE_AUTHORIZATION_DETAILS', `authorization_details ${problem}`, {
        field: 'authorization_details',
      })
    }
    authorizationDetails = body.authorization_details as AuthorizationDetail[]
  }
  return { issuedToken, issuedTokenType: expected, expiresIn, scopes, authorizationDetails }
}
