/**
 * Failures of the store that are not the caller's mistake (those are plain `TypeError`s naming the option).
 * They never cross the wire: a server answers them with `server_error` and logs the code.
 */
import type { OAuthErrorCode } from '@openxaa/protocol'

/** Every code a {@link StoreError} carries. */
export const STORE_ERROR_CODES = [
  /** The database holds a migration this code does not know: it was migrated by a newer release. */
  'ERR_STORE_MIGRATION_UNKNOWN',
  /** A private signing key was encrypted with another key-encryption key than the one this process has. */
  'ERR_STORE_KEK_MISMATCH',
  /** A private signing key failed its AES-GCM integrity check: the row was altered. */
  'ERR_STORE_KEY_DECRYPT',
  /** The key-encryption key file is readable by group or others. */
  'ERR_STORE_KEK_FILE_PERMISSIONS',
  /** No current signing key exists for the purpose: call `keys.ensure()` first. */
  'ERR_STORE_NO_SIGNING_KEY',
  /** A write would break a uniqueness rule (a username, a client id, an issuer or alias already taken). */
  'ERR_STORE_CONFLICT',
  /** A write names a row that does not exist (a member added to an unknown group, a connection to an unknown app). */
  'ERR_STORE_NOT_FOUND',
] as const

/** A {@link StoreError} code. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number]

/**
 * A store failure with a stable `code`. Its message names rows and settings, never key material or a token.
 * @see ../../../../shared/style.md section 5
 */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  readonly code: StoreErrorCode
  /** What a server answers on the wire: the reason stays in its logs. */
  readonly oauthError: OAuthErrorCode = 'server_error'

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** True for a {@link StoreError}, across copies of this package. */
export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError || (value instanceof Error && value.name === 'StoreError' && 'code' in value)
}
