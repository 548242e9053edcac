import { ProtocolError } from '../errors.js'
import { isJsonObject, isStringArray } from '../internal/json.js'

/** One RFC 9396 authorization details object: a `type` and type-specific members. */
export interface AuthorizationDetail {
  type: string
  locations?: string[]
  actions?: string[]
  datatypes?: string[]
  identifier?: string
  privileges?: string[]
  [member: string]: unknown
}

const STRING_ARRAY_FIELDS = ['locations', 'actions', 'datatypes', 'privileges'] as const

/** Why `value` is not an RFC 9396 authorization details array, or undefined when it is one. */
export function authorizationDetailsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'is not a JSON array'
  if (value.length === 0) return 'is an empty array'
  for (const [index, detail] of value.entries()) {
    if (!isJsonObject(detail)) return `element ${index} is not a JSON object`
    if (typeof detail.type !== 'string' || detail.type === '') return `element ${index} has no string type`
    for (const field of STRING_ARRAY_FIELDS) {
      if (detail[field] !== undefined && !isStringArray(detail[field])) {
        return `element ${index} member ${field} is not an array of strings`
      }
    }
    if (detail.identifier !== undefined && typeof detail.identifier !== 'string') {
      return `element ${index} member identifier is not a string`
    }
  }
  return undefined
}

/**
 * Parses the `authorization_details` request parameter: a JSON array of objects, each with a string `type`, and
 * the common members of RFC 9396 2.2 typed as the RFC says. Refusals are `invalid_authorization_details`.
 *
 * @see RFC 9396 sections 2 and 5
 */
export function parseAuthorizationDetails(value: string, rule = 'RFC 9396 2'): AuthorizationDetail[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new ProtocolError('ERR_AUTHORIZATION_DETAILS_INVALID', 'authorization_details is not valid JSON', { rule })
  }
  const problem = authorizationDetailsProblem(parsed)
  if (problem !== undefined) {
    throw new ProtocolError('ERR_AUTHORIZATION_DETAILS_INVALID', `authorization_details ${problem}`, { rule })
  }
  return parsed as AuthorizationDetail[]
}
