/**
 * Errors of the client SDK. They never cross the wire: each has a stable `code`, a `kind` the CLI maps to an exit
 * code, and a message that names what went wrong without ever quoting a token, a secret or a whole claim set.
 */

/** What kind of failure: the CLI turns each into a documented exit code. */
export type XaaErrorKind = 'config' | 'sign-in' | 'policy' | 'discovery' | 'network' | 'server'

/** Every code the SDK raises, with its kind. */
export const XAA_ERROR_CODES = {
  ERR_CONFIG: 'config',
  ERR_NO_AS_CREDENTIALS: 'config',
  ERR_SIGN_IN_REQUIRED: 'sign-in',
  ERR_SIGN_IN_FAILED: 'sign-in',
  ERR_ID_TOKEN_INVALID: 'sign-in',
  ERR_ACCESS_DENIED: 'policy',
  ERR_XAA_PROFILE_MISSING: 'discovery',
  ERR_PRM_NOT_FOUND: 'discovery',
  ERR_PRM_INVALID: 'discovery',
  ERR_PRM_RESOURCE_MISMATCH: 'discovery',
  ERR_AS_METADATA_NOT_FOUND: 'discovery',
  ERR_AS_METADATA_INVALID: 'discovery',
  ERR_AS_ISSUER_MISMATCH: 'discovery',
  ERR_ID_JAG_DOWNGRADE: 'server',
  ERR_ID_JAG_AUDIENCE: 'server',
  ERR_TOKEN_EXCHANGE_FAILED: 'server',
  ERR_TOKEN_REQUEST_FAILED: 'server',
  ERR_NETWORK: 'network',
  ERR_SERVER_RESPONSE: 'server',
} as const satisfies Record<string, XaaErrorKind>

/** A code of {@link XAA_ERROR_CODES}. */
export type XaaErrorCode = keyof typeof XAA_ERROR_CODES

/** Extra facts an {@link XaaError} carries. */
export interface XaaErrorOptions {
  /** The OAuth `error` a server answered with, when a server refused. */
  oauthError?: string
  /** The server's `error_description`, redacted and shortened. */
  serverDescription?: string
  /** The URL (without query) of the server involved. */
  url?: string
  cause?: unknown
}

/**
 * A failure of the cross-app access flow on the client side. `oauthError` is the server's public answer when one
 * refused; `code` is this SDK's reason.
 *
 * @example
 * ```ts
 * try { await xaa.getAccessToken(url) } catch (e) { if (e instanceof XaaError && e.kind === 'policy') ... }
 * ```
 * @see xaa-protocol.md section 4, client items 30-35
 */
export class XaaError extends Error {
  override name = 'XaaError'
  readonly code: XaaErrorCode
  readonly kind: XaaErrorKind
  readonly oauthError: string | undefined
  readonly serverDescription: string | undefined
  readonly url: string | undefined

  constructor(code: XaaErrorCode, message: string, options: XaaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.kind = XAA_ERROR_CODES[code]
    this.oauthError = options.oauthError
    this.serverDescription = options.serverDescription
    this.url = options.url
  }
}

/** Why a new sign-in is needed. */
export type SignInRequiredReason =
  | 'no-session'
  | 'session-expired'
  | 'refresh-failed'
  | 'subject-token-rejected'
  | 'idp-changed'
  | 'step-up-required'

const REASON_TEXT: Record<SignInRequiredReason, string> = {
  'no-session': 'you are not signed in',
  'session-expired': 'your sign-in has expired and there is no refresh token',
  'refresh-failed': 'your sign-in has expired and the IdP refused to renew it',
  'subject-token-rejected': 'the IdP no longer accepts your sign-in',
  'idp-changed': 'the configured IdP or client changed since you signed in',
  'step-up-required': 'the IdP requires a fresh or stronger sign-in for this access',
}

/**
 * Thrown only when the ID token cannot be renewed silently (no session, no refresh token, or the IdP refused the
 * refresh): the caller must run `signIn()` again.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SignInRequiredError) await xaa.signIn() }
 * ```
 * @see xaa-protocol.md section 2(d), "Refresh tokens" (re-authenticate only when the IdP refresh fails)
 */
export class SignInRequiredError extends XaaError {
  override name = 'SignInRequiredError'
  readonly reason: SignInRequiredReason

  constructor(reason: SignInRequiredReason, options: XaaErrorOptions = {}) {
    const said = options.serverDescription === undefined ? '' : ` (the IdP said: ${options.serverDescription})`
    super('ERR_SIGN_IN_REQUIRED', `sign-in required: ${REASON_TEXT[reason]}${said}`, options)
    this.reason = reason
  }
}

/** True for an {@link XaaError}, including a {@link SignInRequiredError}. */
export function isXaaError(value: unknown): value is XaaError {
  return value instanceof XaaError
}
