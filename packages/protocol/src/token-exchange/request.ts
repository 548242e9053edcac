import {
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
  TOKEN_TYPE_SAML2,
} from '../constants.js'
import { ProtocolError } from '../errors.js'
import type { OAuthForm } from '../http/form.js'
import { joinScope } from '../internal/scope.js'
import { parseResources, parseScopeParameter } from '../internal/target.js'
import { hasNonUriCharacter } from '../internal/uri.js'
import { type AuthorizationDetail, parseAuthorizationDetails } from './authorization-details.js'

/** Subject token types an IdP accepts for an ID-JAG (spec 2(b)). */
export const TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPES = [
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_SAML2,
  TOKEN_TYPE_REFRESH_TOKEN,
] as const
/** One of {@link TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPES}. */
export type SubjectTokenType = (typeof TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPES)[number]

/** Parameters of a token exchange that may repeat (RFC 8693 2.1); pass to `parseForm` as `repeatable`. */
export const TOKEN_EXCHANGE_REPEATABLE_PARAMETERS = ['resource', 'audience'] as const

/** Token types a client may request: an ID-JAG, or (SAML path 2(f)) an IdP refresh token. */
export type RequestedTokenType = typeof TOKEN_TYPE_ID_JAG | typeof TOKEN_TYPE_REFRESH_TOKEN

/** A syntactically valid ID-JAG token-exchange request. Policy decisions come after. */
export interface TokenExchangeRequest {
  grantType: typeof GRANT_TYPE_TOKEN_EXCHANGE
  requestedTokenType: RequestedTokenType
  /** The RAS issuer identifier, or an alias the IdP resolves (exactly one). */
  audience: string
  /** RFC 8707 resources, distinct, in request order; empty when none was sent. */
  resources: string[]
  /** Distinct scope-tokens, or undefined when `scope` was not sent. */
  scopes: string[] | undefined
  authorizationDetails: AuthorizationDetail[] | undefined
  subjectToken: string
  subjectTokenType: SubjectTokenType
  actorToken: string | undefined
  actorTokenType: string | undefined
}

/** Switches of {@link parseTokenExchangeRequest}. */
export interface TokenExchangeRequestOptions {
  /** Also accept `requested_token_type` refresh_token (SAML path, spec 2(f)). Default false. */
  allowRefreshTokenRequest?: boolean
  /** Subject token types this IdP accepts. Default: id_token, saml2 and refresh_token. */
  subjectTokenTypes?: readonly SubjectTokenType[]
}

function required(form: OAuthForm, name: string, rule: string): string {
  const value = form.get(name)
  if (value === undefined) {
    throw new ProtocolError('ERR_PARAMETER_MISSING', `${name} is required`, { rule })
  }
  return value
}

/**
 * Validates every parameter of an ID-JAG token-exchange request, in the order of spec 2(b). Parse the form with
 * `repeatable: TOKEN_EXCHANGE_REPEATABLE_PARAMETERS` so that several audiences get their precise refusal.
 *
 * @example
 * ```ts
 * const form = await readForm(request, { repeatable: TOKEN_EXCHANGE_REPEATABLE_PARAMETERS })
 * const exchange = parseTokenExchangeRequest(form)
 * ```
 * @see xaa-protocol.md section 2(b); RFC 8693 section 2.1; RFC 8707; RFC 9396
 */
export function parseTokenExchangeRequest(
  form: OAuthForm,
  options: TokenExchangeRequestOptions = {},
): TokenExchangeRequest {
  const grantType = required(form, 'grant_type', 'RFC 6749 4.5')
  if (grantType !== GRANT_TYPE_TOKEN_EXCHANGE) {
    throw new ProtocolError('ERR_UNSUPPORTED_GRANT_TYPE', 'grant_type is not token exchange', {
      rule: '2(b)',
      detail: `grant_type ${grantType.slice(0, 100)}`,
    })
  }

  // 2(b) [#4]: requested_token_type is REQUIRED by the ID-JAG profile (optional in RFC 8693).
  const requested = form.get('requested_token_type')
  const allowedRequested: string[] = [TOKEN_TYPE_ID_JAG]
  if (options.allowRefreshTokenRequest) allowedRequested.push(TOKEN_TYPE_REFRESH_TOKEN)
  if (requested === undefined || !allowedRequested.includes(requested)) {
    throw new ProtocolError(
      'ERR_REQUESTED_TOKEN_TYPE',
      requested === undefined ? 'requested_token_type is required' : 'requested_token_type is not supported',
      { rule: '2(b) #4', ...(requested === undefined ? {} : { detail: `requested ${requested.slice(0, 100)}` }) },
    )
  }

  // 2(b): audience is REQUIRED and an ID-JAG has exactly one audience (checklist #6).
  const audiences = form.getAll('audience')
  if (audiences.length === 0) throw new ProtocolError('ERR_PARAMETER_MISSING', 'audience is required', { rule: '2(b)' })
  if (audiences.length > 1) {
    throw new ProtocolError('ERR_AUDIENCE_INVALID', 'exactly one audience is allowed', {
      rule: '2(b) #6',
      detail: `${audiences.length} audiences`,
    })
  }
  const audience = audiences[0]!
  // An issuer identifier or an alias; neither can hold whitespace or control characters.
  if (hasNonUriCharacter(audience)) {
    throw new ProtocolError('ERR_AUDIENCE_INVALID', 'audience is not an issuer identifier or a known alias', {
      rule: '2(b)',
    })
  }

  const resources = parseResources(form.getAll('resource'), 'RFC 8707 2')
  const scopes = parseScopeParameter(form.get('scope'), 'RFC 6749 3.3')
  const details = form.get('authorization_details')
  const authorizationDetails = details === undefined ? undefined : parseAuthorizationDetails(details, 'RFC 9396 5')

  const subjectToken = required(form, 'subject_token', 'RFC 8693 2.1')
  const subjectTokenType = form.get('subject_token_type')
  const acceptedSubjectTypes: readonly string[] = options.subjectTokenTypes ?? TOKEN_EXCHANGE_SUBJECT_TOKEN_TYPES
  if (subjectTokenType === undefined || !acceptedSubjectTypes.includes(subjectTokenType)) {
    throw new ProtocolError(
      'ERR_SUBJECT_TOKEN_TYPE',
      subjectTokenType === undefined ? 'subject_token_type is required' : 'subject_token_type is not supported',
      { rule: 'RFC 8693 2.1', ...(subjectTokenType ? { detail: `type ${subjectTokenType.slice(0, 100)}` } : {}) },
    )
  }

  // RFC 8693 2.1: actor_token_type is REQUIRED when actor_token is present and MUST NOT be included otherwise.
  const actorToken = form.get('actor_token')
  const actorTokenType = form.get('actor_token_type')
  if (actorToken !== undefined && actorTokenType === undefined) {
    throw new ProtocolError('ERR_ACTOR_TOKEN', 'actor_token_type is required with actor_token', {
      rule: 'RFC 8693 2.1',
    })
  }
  if (actorToken === undefined && actorTokenType !== undefined) {
    throw new ProtocolError('ERR_ACTOR_TOKEN', 'actor_token_type must not be sent without actor_token', {
      rule: 'RFC 8693 2.1',
    })
  }

  return {
    grantType: GRANT_TYPE_TOKEN_EXCHANGE,
    requestedTokenType: requested as RequestedTokenType,
    audience,
    resources,
    scopes,
    authorizationDetails,
    subjectToken,
    subjectTokenType: subjectTokenType as SubjectTokenType,
    actorToken,
    actorTokenType,
  }
}

/** What a client sends to get an ID-JAG. */
export interface TokenExchangeRequestParams {
  /** The RAS issuer, from validated authorization server metadata (checklist #30). */
  audience: string
  subjectToken: string
  subjectTokenType: SubjectTokenType
  /** Default: the ID-JAG token type. */
  requestedTokenType?: RequestedTokenType
  resources?: readonly string[]
  scopes?: readonly string[]
  authorizationDetails?: readonly AuthorizationDetail[]
  actorToken?: string
  actorTokenType?: string
}

/**
 * The form body of an ID-JAG token-exchange request, for clients (client authentication is added separately).
 *
 * @example
 * ```ts
 * const body = buildTokenExchangeRequest({ audience: ras.issuer, resources: [prm.resource], subjectToken: idToken,
 *   subjectTokenType: TOKEN_TYPE_ID_TOKEN, scopes: ['chat.read'] })
 * ```
 * @see xaa-protocol.md section 2(b)
 */
export function buildTokenExchangeRequest(params: TokenExchangeRequestParams): URLSearchParams {
  if (params.audience === '') throw new TypeError('audience must not be empty')
  if (params.subjectToken === '') throw new TypeError('subjectToken must not be empty')
  if ((params.actorToken === undefined) !== (params.actorTokenType === undefined)) {
    throw new TypeError('actorToken and actorTokenType go together')
  }
  const body = new URLSearchParams()
  body.set('grant_type', GRANT_TYPE_TOKEN_EXCHANGE)
  body.set('requested_token_type', params.requestedTokenType ?? TOKEN_TYPE_ID_JAG)
  body.set('audience', params.audience)
  for (const resource of new Set(params.resources ?? [])) body.append('resource', resource)
  if (params.scopes !== undefined && params.scopes.length > 0) body.set('scope', joinScope(params.scopes, 'scopes'))
  if (params.authorizationDetails !== undefined) {
    body.set('authorization_details', JSON.stringify(params.authorizationDetails))
  }
  body.set('subject_token', params.subjectToken)
  body.set('subject_token_type', params.subjectTokenType)
  if (params.actorToken !== undefined) {
    body.set('actor_token', params.actorToken)
    body.set('actor_token_type', params.actorTokenType!)
  }
  return body
}
