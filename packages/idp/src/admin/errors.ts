/** Errors of administrative operations, with the HTTP status the admin API answers them with. */
import { isStoreError } from '@openxaa/store'

/** Stable codes of {@link AdminError}. */
export type AdminErrorCode = 'not_found' | 'conflict' | 'invalid_request' | 'unauthorized' | 'forbidden'

const STATUS: Record<AdminErrorCode, 400 | 401 | 403 | 404 | 409> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
}

/** A refused admin operation; `message` names what the caller sent, never a secret. */
export class AdminError extends Error {
  override readonly name = 'AdminError'
  readonly code: AdminErrorCode
  constructor(code: AdminErrorCode, message: string) {
    super(message)
    this.code = code
  }
  get status(): 400 | 401 | 403 | 404 | 409 {
    return STATUS[this.code]
  }
}

/** Maps what an operation threw to an {@link AdminError}, or undefined for a server fault. */
export function toAdminError(err: unknown): AdminError | undefined {
  if (err instanceof AdminError) return err
  if (err instanceof TypeError) return new AdminError('invalid_request', err.message)
  if (isStoreError(err) && err.code === 'ERR_STORE_CONFLICT') return new AdminError('conflict', err.message)
  if (isStoreError(err) && err.code === 'ERR_STORE_NOT_FOUND') return new AdminError('not_found', err.message)
  return undefined
}

/** Throws `not_found` for an absent row. */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) throw new AdminError('not_found', `${what} not found`)
  return value
}
