// Shape rules for ID-JAG claims (section 2(c)), shared by mintIdJag (TypeError) and verifyIdJag (ProtocolError).
import { SUB_ID_FORMAT_SAML_NAMEID } from '../constants.js'
import { isAbsoluteUri, isNonEmptyString, isNumericDate, isPlainObject, isStringArray } from '../internal/values.js'
import { splitScope } from '../scope.js'

const JKT = /^[A-Za-z0-9_-]{43}$/
const SAML_OPTIONAL_MEMBERS = ['nameid_format', 'name_qualifier', 'sp_name_qualifier', 'sp_provided_id'] as const

/** The members each RFC 9493 format requires (section 3); `aliases` and `saml-nameid` are checked separately. */
const SUB_ID_MEMBERS: Record<string, readonly string[]> = {
  account: ['uri'],
  email: ['email'],
  iss_sub: ['iss', 'sub'],
  opaque: ['id'],
  phone_number: ['phone_number'],
  did: ['url'],
  uri: ['uri'],
}

/** Problem with a `sub_id` value, or undefined. Unknown formats pass: RFC 9493 formats are extensible. */
export function subIdProblem(value: unknown, nested = false): string | undefined {
  if (!isPlainObject(value) || !isNonEmptyString(value.format)) return 'is not an object with a format'
  const { format } = value
  if (format === SUB_ID_FORMAT_SAML_NAMEID) {
    if (!isNonEmptyString(value.issuer) || !isNonEmptyString(value.nameid)) return 'saml-nameid lacks issuer or nameid'
    const bad = SAML_OPTIONAL_MEMBERS.find((m) => value[m] !== undefined && !isNonEmptyString(value[m]))
    return bad === undefined ? undefined : `saml-nameid member ${bad} is not a string`
  }
  if (format === 'aliases') {
    if (nested) return 'aliases must not nest'
    if (!Array.isArray(value.identifiers) || value.identifiers.length === 0) return 'aliases has no identifiers'
    for (const id of value.identifiers) {
      const problem = subIdProblem(id, true)
      if (problem !== undefined) return `aliases member ${problem}`
    }
    return undefined
  }
  const missing = SUB_ID_MEMBERS[format]?.find((member) => !isNonEmptyString(value[member]))
  return missing === undefined ? undefined : `${format} lacks ${missing}`
}

/** The resource list of a `resource` claim, or a problem string. Absent yields an empty list. */
export function resourceList(value: unknown): string[] | string {
  if (value === undefined) return []
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) return 'is neither a URI nor a non-empty array of URIs'
  if (!list.every(isAbsoluteUri)) return 'holds a value that is not an absolute URI without fragment'
  return [...new Set(list as string[])]
}

export function cnfProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'is not an object'
  if (value.jkt === undefined) return 'has no jkt (only DPoP binding is supported)'
  if (typeof value.jkt !== 'string' || !JKT.test(value.jkt)) return 'jkt is not a base64url SHA-256 thumbprint'
  return undefined
}

function isAuthorizationDetails(value: unknown): boolean {
  return Array.isArray(value) && value.every((entry) => isPlainObject(entry) && isNonEmptyString(entry.type))
}

/**
 * Optional claims whose shape is checked generically; `sub_id`, `cnf`, `resource` and `scope` have their own step
 * (and error code) at the resource AS, but the minting side checks them all.
 */
export const OPTIONAL_CLAIM_SHAPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  nbf: isNumericDate,
  authorization_details: isAuthorizationDetails,
  act: isPlainObject,
  tenant: isNonEmptyString,
  auth_time: isNumericDate,
  acr: isNonEmptyString,
  amr: isStringArray,
  aud_tenant: isNonEmptyString,
  aud_sub: isNonEmptyString,
  email: isNonEmptyString,
}

/** Problem with a claim of the step-specific group, or undefined. */
export function stepClaimProblem(name: 'sub_id' | 'cnf' | 'resource' | 'scope', value: unknown): string | undefined {
  switch (name) {
    case 'sub_id':
      return subIdProblem(value)
    case 'cnf':
      return cnfProblem(value)
    case 'resource': {
      const list = resourceList(value)
      return typeof list === 'string' ? list : undefined
    }
    case 'scope':
      return splitScope(value) === undefined ? 'is not a space-delimited list of scope tokens' : undefined
  }
}
