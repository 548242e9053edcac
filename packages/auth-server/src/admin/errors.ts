/** Errors of the admin API and CLI: not OAuth errors, but the same shape (`error`, `error_description`). */
import { isStoreError } from '@openxaa/store'

/** An admin request that cannot be served, with its HTTP status. */
export class AdminError extends Error {
  override readonly name = 'AdminError'
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 422,
    readonly error: string,
    description: string,
  ) {
    super(description)
  }
}

/** Maps caller mistakes (TypeError), store conflicts and misses to an {@link AdminError}; others pass through. */
export function toAdminError(err: unknown): AdminError | undefined {
  if (err instanceof AdminError) return err
  if (err instanceof TypeError) return new AdminError(400, 'invalid_request', err.message)
  if (isStoreError(err) && err.code === 'ERR_STORE_CONFLICT') return new AdminError(409, 'conflict', err.message)
  if (isStoreError(err) && err.code === 'ERR_STORE_NOT_FOUND') return new AdminError(404, 'not_found', err.message)
  return undefined
}
