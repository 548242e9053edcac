// RFC 8707 resource indicators and RFC 6749 scope values as request parameters, with the refusals both grants share.

import { ProtocolError } from '../errors.js'
import { splitScope } from './scope.js'
import { parseAbsoluteUri } from './uri.js'

/**
 * Checks every `resource` value: an absolute URI without a fragment (RFC 8707 2). Duplicates are dropped.
 * A refusal is `invalid_target` (RFC 8707 2: "invalid_target error code SHOULD be used").
 */
export function parseResources(values: readonly string[], rule: string): string[] {
  const resources: string[] = []
  for (const value of values) {
    if (parseAbsoluteUri(value) === undefined) {
      throw new ProtocolError('ERR_RESOURCE_INVALID', 'resource must be an absolute URI', {
        rule,
        detail: `resource #${values.indexOf(value) + 1} is not an absolute URI`,
      })
    }
    if (value.includes('#')) {
      throw new ProtocolError('ERR_RESOURCE_INVALID', 'resource must not have a fragment', { rule })
    }
    if (!resources.includes(value)) resources.push(value)
  }
  return resources
}

/** Parses a `scope` parameter into distinct scope-tokens, or undefined when absent (RFC 6749 3.3). */
export function parseScopeParameter(value: string | undefined, rule: string): string[] | undefined {
  if (value === undefined) return undefined
  const result = splitScope(value)
  if ('invalid' in result) {
    throw new ProtocolError('ERR_SCOPE_INVALID', 'scope has a character outside the RFC 6749 scope-token set', {
      rule,
    })
  }
  if (result.scopes.length === 0) {
    throw new ProtocolError('ERR_SCOPE_INVALID', 'scope holds no scope-token', { rule })
  }
  return result.scopes
}
