/**
 * A Node request whose body was already read, made readable again for whoever comes next (the token-exchange route,
 * oidc-provider): the same socket, headers and URL, and a body stream that yields the bytes read.
 */
import { Readable } from 'node:stream'
import type { HttpBindings } from '@hono/node-server'

type Incoming = HttpBindings['incoming']

/** The request as the next reader must see it after its body was read (`undefined`: an empty body). */
export function replayIncoming(incoming: Incoming, body: Buffer | undefined): Incoming {
  const copy = Readable.from(body === undefined ? [] : [body]) as unknown as Incoming
  for (const name of [
    'headers',
    'rawHeaders',
    'method',
    'url',
    'httpVersion',
    'httpVersionMajor',
    'httpVersionMinor',
  ]) {
    Object.defineProperty(copy, name, { value: incoming[name as keyof Incoming], writable: true, configurable: true })
  }
  for (const name of ['socket', 'connection']) {
    Object.defineProperty(copy, name, { value: incoming.socket, writable: true, configurable: true })
  }
  Object.defineProperty(copy, 'complete', { value: true, writable: true, configurable: true })
  return copy
}
