/**
 * Binds a port before the server behind it exists: every port is taken first (so a busy port fails the start before
 * any database is touched), and an app is attached once its issuer, which names the port, is known.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'

/** A port the demo holds, with the app it serves (a 503 until one is attached). */
export interface BoundPort {
  readonly name: string
  readonly port: number
  /** Serves `fetch` on this port from now on. */
  attach(fetch: (request: Request, env?: unknown) => Response | Promise<Response>): void
  /** Stops accepting connections, ends the open ones, and resolves once the port is free. */
  close(): Promise<void>
}

/** A start that cannot go on, with a message that says what to do. */
export class DemoStartError extends Error {
  override name = 'DemoStartError'
}

/**
 * Listens on `host:port` for the server called `name`; a port in use is a {@link DemoStartError} naming it and how
 * to move the demo elsewhere.
 */
export async function bindPort(name: string, host: string, port: number): Promise<BoundPort> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('starting\n')
  }
  const server: Server = createServer((req, res) => handler(req, res))
  // Keep-alive connections from clients would otherwise hold the process open after close().
  server.keepAliveTimeout = 2000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new DemoStartError(
            `port ${port} on ${host} is already in use, and the demo needs it for ${name}. Stop what uses it, ` +
              'or move the demo: npm start -- --port-base 5000 (see npm start -- --help)',
          ),
        )
      } else if (err.code === 'EACCES') {
        reject(new DemoStartError(`port ${port} on ${host} (for ${name}) may not be used by this user`))
      } else reject(err)
    })
    server.listen(port, host, () => resolve())
  })
  return {
    name,
    port: (server.address() as AddressInfo).port,
    attach(fetch) {
      handler = getRequestListener((request, env) => fetch(request, env))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Binds every port in order; if one fails, the ones already bound are released before the error is thrown. */
export async function bindPorts<K extends string>(
  host: string,
  wanted: Record<K, { name: string; port: number }>,
): Promise<Record<K, BoundPort>> {
  const bound: Partial<Record<K, BoundPort>> = {}
  try {
    for (const key of Object.keys(wanted) as K[]) {
      bound[key] = await bindPort(wanted[key].name, host, wanted[key].port)
    }
  } catch (err) {
    await Promise.all(Object.values<BoundPort | undefined>(bound).map((b) => b?.close()))
    throw err
  }
  return bound as Record<K, BoundPort>
}
