/**
 * Local errors of the client side: what a client finds wrong in a server's answer (token responses, metadata
 * documents, `WWW-Authenticate` challenges). They never cross the wire, so they are not {@link ProtocolError}s.
 */

/** Every code a client-side check raises. */
export const RESPONSE_ERROR_CODES = [
  'ERR_RESPONSE_MALFORMED',
  'ERR_RESPONSE_OAUTH_ERROR',
  'ERR_RESPONSE_ISSUED_TOKEN_TYPE',
  'ERR_RESPONSE_TOKEN_TYPE',
  'ERR_RESPONSE_ACCESS_TOKEN',
  'ERR_RESPONSE_EXPIRES_IN',
  'ERR_RESPONSE_SCOPE',
  'ERR_RESPONSE_AUTHORIZATION_DETAILS',
  'ERR_METADATA_ISSUER',
  'ERR_METADATA_RESOURCE',
  'ERR_METADATA_INVALID',
  'ERR_WWW_AUTHENTICATE_MALFORMED',
] as const

/** A code of {@link RESPONSE_ERROR_CODES}. */
export type ResponseErrorCode = (typeof RESPONSE_ERROR_CODES)[number]

/** Extra facts a {@link ResponseValidationError} carries. */
export interface ResponseValidationErrorOptions {
  /** The response member that failed, e.g. `'issued_token_type'`. */
  field?: string
  /** For `ERR_RESPONSE_OAUTH_ERROR`: the server's `error` code. */
  error?: string
  /** For `ERR_RESPONSE_OAUTH_ERROR`: the server's `error_description`, if it was a string. */
  errorDescription?: string
  cause?: unknown
}

/**
 * A server's answer that a client must not use. The message names the member and the rule, never a token.
 *
 * @example
 * ```ts
 * try { processTokenExchangeResponse(await res.json()) }
 * catch (e) { if (e instanceof ResponseValidationError && e.code === 'ERR_RESPONSE_OAUTH_ERROR') console.log(e.error) }
 * ```
 */
export class ResponseValidationError extends Error {
  override readonly name = 'ResponseValidationError'
  readonly code: ResponseErrorCode
  readonly field: string | undefined
  readonly error: string | undefined
  readonly errorDescription: string | undefined

  constructor(code: ResponseErrorCode, message: string, options: ResponseValidationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.field = options.field
    this.error = options.error
    this.errorDescription = options.errorDescription
  }
}
