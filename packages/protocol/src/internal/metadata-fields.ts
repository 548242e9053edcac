// Typed member checks for metadata documents a client fetched (RFC 8414 2, RFC 9728 2), and for builder options.

import { ResponseValidationError } from '../response-error.js'
import { isStringArray } from './json.js'
import { httpsUrlProblem } from './uri.js'

function invalid(field: string, why: string): ResponseValidationError {
  return new ResponseValidationError('ERR_METADATA_INVALID', `metadata ${field} ${why}`, { field })
}

/** Checks the typed members of a fetched metadata document; absent OPTIONAL members pass. */
export function checkMetadataFields(
  doc: Record<string, unknown>,
  fields: {
    urls?: readonly string[]
    stringArrays?: readonly string[]
    booleans?: readonly string[]
    strings?: readonly string[]
  },
): void {
  for (const field of fields.urls ?? []) {
    if (doc[field] === undefined) continue
    const problem = httpsUrlProblem(doc[field])
    if (problem !== undefined) throw invalid(field, problem)
  }
  for (const field of fields.stringArrays ?? []) {
    if (doc[field] !== undefined && !isStringArray(doc[field])) throw invalid(field, 'must be an array of strings')
  }
  for (const field of fields.booleans ?? []) {
    if (doc[field] !== undefined && typeof doc[field] !== 'boolean') throw invalid(field, 'must be a boolean')
  }
  for (const field of fields.strings ?? []) {
    if (doc[field] !== undefined && typeof doc[field] !== 'string') throw invalid(field, 'must be a string')
  }
}

/** Throws when a REQUIRED member is absent. */
export function requireMetadataFields(doc: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) if (doc[field] === undefined) throw invalid(field, 'is required')
}

/** Builder side: a TypeError naming the option when `value` is not an https (or loopback http) URL. */
export function assertHttpsUrlOption(value: unknown, path: string, options: { query?: boolean } = {}): void {
  const problem = httpsUrlProblem(value, options)
  if (problem !== undefined) throw new TypeError(`${path} ${problem}`)
}
