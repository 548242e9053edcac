import { JSON_MEDIA_TYPE, TOKEN_TYPE_BEARER, TOKEN_TYPE_DPOP } from '../constants.js'
import { NO_STORE_HEADERS } from '../errors.js'
import { joinScope } from '../internal/scope.js'
import { checkOAuthErrorBody, readExpiresIn, readScope, readTokenString } from '../internal/token-response.js'
import { ResponseValidationError } from '../response-error.js'

/** `token_type` of an access token from the resource AS. */
export type AccessTokenType = typeof TOKEN_TYPE_BEARER | typeof TOKEN_TYPE_DPOP

/** The JSON body of a successful jwt-bearer grant (spec 2(d) success). */
export interface AccessTokenResponseBody {
  access_token: string
  token_type: AccessTokenType
  expires_in: number
  scope: string
  issued_token_type?: string
}

/** Inputs of {@link buildAccessTokenResponse}. */
export interface AccessTokenResponseParams {
  accessToken: string
  /** `DPoP` when the token is bound to a proof key (RFC 9449 5). */
  tokenType: AccessTokenType
  expiresIn: number
  /** Granted scopes; always echoed, because clients require `scope` (stack.md, "what real clients do"). */
  scopes: readonly string[]
  issuedTokenType?: string
}

/**
 * Builds the access-token response of the jwt-bearer grant: `access_token`, `token_type`, `expires_in`, `scope`
 * always, never a `refresh_token` (spec 2(d), checklist #26).
 *
 * @example
 * ```ts
 * buildAccessTokenResponse({ accessToken, tokenType: 'Bearer', expiresIn: 300, scopes: ['chat.read'] })
 * ```
 * @see RFC 6749 section 5.1; xaa-protocol.md section 2(d)
 */
export function buildAccessTokenResponse(params: AccessTokenResponseParams): AccessTokenResponseBody {
  if (params.accessToken === '') throw new TypeError('accessToken must not be empty')
  if (params.tokenType !== TOKEN_TYPE_BEARER && params.tokenType !== TOKEN_TYPE_DPOP) {
    throw new TypeError('tokenType must be Bearer or DPoP')
  }
  if (!Number.isInteger(params.expiresIn) || params.expiresIn <= 0) {
    throw new TypeError('expiresIn must be a positive integer')
  }
  const body: AccessTokenResponseBody = {
    access_token: params.accessToken,
    token_type: params.tokenType,
    expires_in: params.expiresIn,
    scope: joinScope(params.scopes, 'scopes'),
  }
  if (params.issuedTokenType !== undefined) body.issued_token_type = params.issuedTokenType
  return body
}

/** The HTTP form of {@link buildAccessTokenResponse}: 200, JSON, `Cache-Control: no-store`, `Pragma: no-cache`. */
export function accessTokenResponse(params: AccessTokenResponseParams): Response {
  return new Response(JSON.stringify(buildAccessTokenResponse(params)), {
    status: 200,
    headers: { ...NO_STORE_HEADERS, 'Content-Type': JSON_MEDIA_TYPE },
  })
}

/** An access-token response a client may use. */
export interface ProcessedAccessTokenResponse {
  accessToken: string
  /** Normalised to `Bearer` or `DPoP` (the wire value is case-insensitive, RFC 6749 7.1). */
  tokenType: AccessTokenType
  expiresIn: number | undefined
  /** Granted scopes; undefined when the server left `scope` out (then: as requested, RFC 6749 5.1). */
  scopes: string[] | undefined
  issuedTokenType: string | undefined
}

/**
 * Checks an access-token response on the client: an OAuth error body, a missing `access_token`, a `token_type`
 * other than Bearer/DPoP (or Bearer when DPoP was expected: a downgrade), a bad `expires_in` or `scope` throw
 * {@link ResponseValidationError}. A `refresh_token` is ignored (spec 8 decision 4: none is issued).
 *
 * @example
 * ```ts
 * const { accessToken, expiresIn } = processAccessTokenResponse(await res.json(), { expectedTokenType: 'Bearer' })
 * ```
 * @see RFC 6749 section 5.1; RFC 9449 section 5
 */
export function processAccessTokenResponse(
  json: unknown,
  options: { expectedTokenType?: AccessTokenType } = {},
): ProcessedAccessTokenResponse {
  const body = checkOAuthErrorBody(json)
  const accessToken = readTokenString(body, 'access_token')
  const raw = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : undefined
  const tokenType = raw === 'bearer' ? TOKEN_TYPE_BEARER : raw === 'dpop' ? TOKEN_TYPE_DPOP : undefined
  if (tokenType === undefined) {
    throw new ResponseValidationError('ERR_RESPONSE_TOKEN_TYPE', 'token_type is missing or not Bearer or DPoP', {
      field: 'token_type',
    })
  }
  if (options.expectedTokenType !== undefined && tokenType !== options.expectedTokenType) {
    throw new ResponseValidationError('ERR_RESPONSE_TOKEN_TYPE', `token_type is not ${options.expectedTokenType}`, {
      field: 'token_type',
    })
  }
  const issued = body.issued_token_type
  if (issued !== undefined && typeof issued !== 'string') {
    throw new ResponseValidationError('ERR_RESPONSE_ISSUED_TOKEN_TYPE', 'issued_token_type is not a string', {
      field: 'issued_token_type',
    })
  }
  return {
    accessToken,
    tokenType,
    expiresIn: readExpiresIn(body),
    scopes: readScope(body),
    issuedTokenType: issued,
  }
}
