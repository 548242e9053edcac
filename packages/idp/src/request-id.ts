/**
 * The request id `observe` gives every request (and answers as `X-Request-Id`), carried into the audit events the
 * request writes, so that a log line and its audit row join. oidc-provider's handlers see only the raw Node request,
 * so the mount tags it before handing it over.
 */
import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'

const TAG = Symbol('openxaa.requestId')
type Tagged = IncomingMessage & { [TAG]?: string }

/** The id of a request served by a Hono route. */
export function requestIdOfContext(c: Context): string | undefined {
  const id: unknown = c.get('requestId' as never)
  return typeof id === 'string' ? id : undefined
}

/** Marks the raw request with its id, for the oidc-provider handlers that read it back. */
export function tagRequestId(incoming: IncomingMessage, id: string | undefined): void {
  if (id !== undefined) (incoming as Tagged)[TAG] = id
}

/** The id a raw request was tagged with. */
export function requestIdOfIncoming(incoming: IncomingMessage | undefined): string | undefined {
  return (incoming as Tagged | undefined)?.[TAG]
}

/** The audit event field, absent when there is no id. */
export const withRequestId = (id: string | undefined): { requestId?: string } =>
  id === undefined ? {} : { requestId: id }
