import { GRANT_TYPE_JWT_BEARER, GRANT_TYPE_JWT_DPOP } from '../constants.js'
import { ProtocolError } from '../errors.js'
import type { OAuthForm } from '../http/form.js'
import { joinScope } from '../internal/scope.js'
import { parseResources, parseScopeParameter } from '../internal/target.js'

/** Parameters of a jwt-bearer grant that may repeat (RFC 8707 `resource`); pass to `parseForm` as `repeatable`. */
export const JWT_BEARER_REPEATABLE_PARAMETERS = ['resource'] as const

/** The grant types that redeem an ID-JAG: jwt-bearer, and the jwt-dpop alias (project decision 8). */
export type JwtBearerGrantType = typeof GRANT_TYPE_JWT_BEARER | typeof GRANT_TYPE_JWT_DPOP

/** A syntactically valid jwt-bearer grant request; the assertion itself is checked by the ID-JAG verifier. */
export interface JwtBearerRequest {
  grantType: JwtBearerGrantType
  assertion: string
  /** Distinct scope-tokens, or undefined when `scope` was not sent. */
  scopes: string[] | undefined
  /** RFC 8707 resources, distinct, in request order; empty when none was sent. */
  resources: string[]
}

/** Switches of {@link parseJwtBearerRequest}. */
export interface JwtBearerRequestOptions {
  /** Accept `urn:ietf:params:oauth:grant-type:jwt-dpop` as an alias. Default true (project decision 8). */
  allowJwtDpop?: boolean
}

/**
 * Validates a jwt-bearer grant request at the resource AS: `grant_type`, exactly one `assertion`, optional `scope`
 * (RFC 6749 3.3) and `resource` values (absolute URIs without fragment, else `invalid_target`).
 *
 * @example
 * ```ts
 * const form = await readForm(request, { repeatable: JWT_BEARER_REPEATABLE_PARAMETERS })
 * const { assertion, resources } = parseJwtBearerRequest(form)
 * ```
 * @see RFC 7523 section 2.1; xaa-protocol.md section 2(d)
 */
export function parseJwtBearerRequest(form: OAuthForm, options: JwtBearerRequestOptions = {}): JwtBearerRequest {
  const grantType = form.get('grant_type')
  if (grantType === undefined) {
    throw new ProtocolError('ERR_PARAMETER_MISSING', 'grant_type is required', { rule: 'RFC 6749 4.5' })
  }
  const accepted: string[] = [GRANT_TYPE_JWT_BEARER]
  if (options.allowJwtDpop ?? true) accepted.push(GRANT_TYPE_JWT_DPOP)
  if (!accepted.includes(grantType)) {
    throw new ProtocolError('ERR_UNSUPPORTED_GRANT_TYPE', 'grant_type is not jwt-bearer', {
      rule: 'RFC 7523 2.1',
      detail: `grant_type ${grantType.slice(0, 100)}`,
    })
  }
  const assertions = form.getAll('assertion')
  if (assertions.length === 0) {
    throw new ProtocolError('ERR_PARAMETER_MISSING', 'assertion is required', { rule: 'RFC 7523 2.1' })
  }
  // Unreachable when the form was parsed without `assertion` in `repeatable`; kept for forms parsed otherwise.
  if (assertions.length > 1) {
    throw new ProtocolError('ERR_FORM_REPEATED_PARAMETER', 'parameter "assertion" must not be repeated', {
      rule: 'RFC 7523 2.1',
    })
  }
  return {
    grantType: grantType as JwtBearerGrantType,
    assertion: assertions[0]!,
    scopes: parseScopeParameter(form.get('scope'), 'RFC 6749 3.3'),
    resources: parseResources(form.getAll('resource'), 'RFC 8707 2'),
  }
}

/** What a client sends to redeem an ID-JAG at the resource AS. */
export interface JwtBearerRequestParams {
  assertion: string
  /** The MCP server's PRM `resource` (spec 8 decision 2: always sent). */
  resources?: readonly string[]
  scopes?: readonly string[]
  /** Default jwt-bearer; jwt-dpop only for servers known to want the alias. */
  grantType?: JwtBearerGrantType
}

/**
 * The form body of a jwt-bearer grant request, for clients (client authentication is added separately).
 *
 * @example
 * ```ts
 * const body = buildJwtBearerRequest({ assertion: idJag, resources: [prm.resource] })
 * ```
 * @see RFC 7523 section 2.1
 */
export function buildJwtBearerRequest(params: JwtBearerRequestParams): URLSearchParams {
  if (params.assertion === '') throw new TypeError('assertion must not be empty')
  const body = new URLSearchParams()
  body.set('grant_type', params.grantType ?? GRANT_TYPE_JWT_BEARER)
  body.set('assertion', params.assertion)
  if (params.scopes !== undefined && params.scopes.length > 0) body.set('scope', joinScope(params.scopes, 'scopes'))
  for (const resource of new Set(params.resources ?? [])) body.append('resource', resource)
  return body
}
