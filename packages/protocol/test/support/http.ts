// Real loopback HTTP servers for JWKS tests: counted requests, switchable behaviour, can be taken down.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type JwksServerMode =
  | 'ok'
  | 'status-500'
  | 'redirect'
  | 'slow-headers'
  | 'slow-body'
  | 'oversized'
  | 'oversized-chunked'
  | 'not-json'

export interface TestServer {
  readonly url: string
  readonly requests: number
  mode: JwksServerMode
  body: unknown
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Serves `body` as JSON at any path, behaving as `mode` says. */
export async function startJwksServer(body: unknown = { keys: [] }): Promise<TestServer> {
  let requests = 0
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const state = { mode: 'ok' as JwksServerMode, body }
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    requests++
    const json = JSON.stringify(state.body)
    switch (state.mode) {
      case 'ok':
        return res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(json)
      case 'status-500':
        return res.writeHead(500).end('{}')
      case 'redirect':
        return res.writeHead(302, { location: 'http://127.0.0.1:9/jwks' }).end()
      case 'slow-headers':
        return later(2000, () => res.writeHead(200).end(json))
      case 'slow-body':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write(json.slice(0, 5))
        return later(2000, () => res.end(json.slice(5)))
      case 'oversized': {
        const big = `{"keys":[],"pad":"${'a'.repeat(100_000)}"}`
        return res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length }).end(big)
      }
      case 'oversized-chunked': {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"keys":[],"pad":"')
        for (let i = 0; i < 100; i++) res.write('a'.repeat(1000))
        return res.end('"}')
      }
      case 'not-json':
        return res.writeHead(200).end('<html>')
    }
  }
  let server = createServer(handler)
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    get requests() {
      return requests
    },
    get mode() {
      return state.mode
    },
    set mode(mode) {
      state.mode = mode
    },
    get body() {
      return state.body
    },
    set body(value) {
      state.body = value
    },
    down: () => stop(server),
    up: async () => {
      server = createServer(handler)
      await listen(server, port)
    },
    close: async () => {
      for (const t of timers) clearTimeout(t)
      if (server.listening) await stop(server)
    },
  }
}
