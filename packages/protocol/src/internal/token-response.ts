// Checks shared by the client-side processing of token responses (RFC 6749 5.1 / 5.2).

import { ResponseValidationError } from '../response-error.js'
import { isJsonObject } from './json.js'
import { splitScope } from './scope.js'

/** Returns the body as an object, or throws: not an object, or an OAuth error body (RFC 6749 5.2). */
export function checkOAuthErrorBody(json: unknown): Record<string, unknown> {
  if (!isJsonObject(json)) {
    throw new ResponseValidationError('ERR_RESPONSE_MALFORMED', 'the token response is not a JSON object')
  }
  if (json.error !== undefined) {
    const error = typeof json.error === 'string' ? json.error : 'unknown'
    const description = typeof json.error_description === 'string' ? json.error_description : undefined
    throw new ResponseValidationError('ERR_RESPONSE_OAUTH_ERROR', `the server refused the request: ${error}`, {
      field: 'error',
      error,
      ...(description === undefined ? {} : { errorDescription: description }),
    })
  }
  return json
}

/** A REQUIRED non-empty string member holding a token. */
export function readTokenString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '') {
    throw new ResponseValidationError('ERR_RESPONSE_ACCESS_TOKEN', `${field} is missing or not a string`, { field })
  }
  return value
}

/** `expires_in`: RECOMMENDED; when present a non-negative finite number (RFC 6749 5.1). */
export function readExpiresIn(body: Record<string, unknown>): number | undefined {
  const value = body.expires_in
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ResponseValidationError('ERR_RESPONSE_EXPIRES_IN', 'expires_in is not a non-negative number', {
      field: 'expires_in',
    })
  }
  return value
}

/** `scope`: when present a string of RFC 6749 scope-tokens. */
export function readScope(body: Record<string, unknown>): string[] | undefined {
  const value = body.scope
  if (value === undefined) return undefined
  const result = typeof value === 'string' ? splitScope(value) : undefined
  if (result === undefined || 'invalid' in result) {
    throw new ResponseValidationError('ERR_RESPONSE_SCOPE', 'scope is not a space-separated list of scope-tokens', {
      field: 'scope',
    })
  }
  return result.scopes
}
