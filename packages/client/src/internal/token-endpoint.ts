// A POST to a token endpoint: client authentication, an optional DPoP proof (retried once with a fresh
// `DPoP-Nonce`, RFC 9449 8), and the translation of a refusal into an XaaError that carries the server's
// `error` and a redacted `error_description`.

import { ResponseValidationError } from '@openxaa/protocol'
import { applyClientAuthentication, type ClientAuthentication, secretsOf } from '../client-authentication/apply.js'
import type { DpopSigner } from '../dpop/signer.js'
import { XaaError, type XaaErrorCode } from '../errors.js'
import { type HttpContext, type HttpResult, postForm } from './http.js'
import { redact } from './redact.js'

/** One token request. */
export interface TokenEndpointRequest {
  url: string
  /** The server's issuer: the audience of a `private_key_jwt` assertion. */
  issuer: string
  body: URLSearchParams
  auth: ClientAuthentication
  dpop?: DpopSigner | undefined
  nowSeconds: number
}

/** Sends the request; the caller processes `json` with protocol's response checker. */
export async function postTokenRequest(ctx: HttpContext, request: TokenEndpointRequest): Promise<HttpResult> {
  for (let attempt = 0; ; attempt++) {
    const body = new URLSearchParams(request.body)
    const headers = new Headers()
    await applyClientAuthentication(request.auth, body, headers, request.issuer, request.nowSeconds)
    if (request.dpop !== undefined) {
      headers.set('DPoP', await request.dpop.proof('POST', request.url, request.nowSeconds))
    }
    const result = await postForm(ctx, request.url, body, headers)
    const fresh = request.dpop?.rememberNonce(request.url, result.headers) ?? false
    const error = (result.json as { error?: unknown } | undefined)?.error
    if (attempt === 0 && fresh && error === 'use_dpop_nonce') continue
    return result
  }
}

/** Server OAuth errors that mean "policy says no": a retry or a new sign-in will not help. */
const POLICY_ERRORS = new Set(['access_denied', 'unauthorized_client', 'invalid_target', 'invalid_scope'])

/**
 * Runs `process` over a token response and turns its ResponseValidationError into an XaaError: policy refusals
 * become `ERR_ACCESS_DENIED`, `invalid_client` `ERR_CONFIG`, everything else `fallback`. Never quotes a token.
 */
export function processTokenResponse<T>(
  result: HttpResult,
  process: (json: unknown) => T,
  what: string,
  fallback: XaaErrorCode,
  secrets: readonly string[],
): T {
  try {
    if (result.json === undefined) {
      throw new ResponseValidationError('ERR_RESPONSE_MALFORMED', `HTTP ${result.status} without a JSON body`)
    }
    const value = process(result.json)
    if (result.status !== 200) {
      throw new ResponseValidationError('ERR_RESPONSE_MALFORMED', `HTTP ${result.status} for a success body`)
    }
    return value
  } catch (error) {
    if (!(error instanceof ResponseValidationError)) throw error
    // A hostile server could echo what it was sent in `error` or `error_description`: both are redacted, and the
    // protocol error (whose message quotes `error`) is not kept as the cause.
    const oauthError = error.error === undefined ? undefined : redact(error.error, secrets, 60)
    const description = error.errorDescription === undefined ? undefined : redact(error.errorDescription, secrets)
    const tail = description === undefined ? '' : `: ${description}`
    if (oauthError === undefined) {
      throw new XaaError(fallback, `${what} returned an unusable answer (${error.message})`, {
        url: result.url,
        cause: error,
      })
    }
    const code: XaaErrorCode =
      oauthError === 'invalid_client' ? 'ERR_CONFIG' : POLICY_ERRORS.has(oauthError) ? 'ERR_ACCESS_DENIED' : fallback
    const message =
      oauthError === 'invalid_client'
        ? `${what} refused the client credentials (invalid_client)${tail}`
        : `${what} refused (${oauthError})${tail}`
    throw new XaaError(code, message, {
      oauthError,
      url: result.url,
      ...(description === undefined ? {} : { serverDescription: description }),
    })
  }
}

export { secretsOf }
