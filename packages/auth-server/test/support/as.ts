// A resource AS on loopback over a SQLite file: the node server starts first (port 0) so the issuer can name its
// port, then the app is built and bound. Two instances may share one database file (replicas).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { buildBasicAuthorization } from '@openxaa/protocol'
import { type AuditEvent, openStore, type Store, type StoreOptions } from '@openxaa/store'
import { type AuthServer, type AuthServerOptions, createAuthServer } from '../../src/index.js'

export const KEK = randomBytes(32).toString('base64url')

/** A temporary directory holding one database file, shared by the instances built on it. */
export function tempDatabase(): { url: string; dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-as-'))
  return { url: `sqlite:${join(dir, 'as.db')}`, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The AS's clock: real time, movable by a test. */
export class TestClock {
  offsetMs = 0
  readonly fn = () => Date.now() + this.offsetMs
  seconds(): number {
    return Math.floor(this.fn() / 1000)
  }
}

export interface RunningAs {
  issuer: string
  tokenUrl: string
  store: Store
  server: AuthServer
  clock: TestClock
  close(): Promise<void>
}

/** Starts an AS over `databaseUrl` with `options` (issuer filled in); `storeOptions` e.g. a PostgreSQL schema. */
export async function startAs(
  databaseUrl: string,
  dir: string,
  options: Partial<AuthServerOptions> = {},
  storeOptions: Partial<StoreOptions> = {},
): Promise<RunningAs> {
  const store = await openStore({ url: databaseUrl, keyEncryptionKey: KEK, dataDir: dir, ...storeOptions })
  const clock = new TestClock()
  let handler: ((request: Request, env?: unknown) => Promise<Response>) | undefined
  const node = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: (req, env) => handler!(req, env), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    )
  })
  const origin = `http://127.0.0.1:${(node.address() as AddressInfo).port}`
  // A replica shares its issuer with the first instance: only its listening address differs.
  const issuer = options.issuer ?? origin
  let server: AuthServer
  try {
    server = createAuthServer(
      { store, clock: clock.fn, logger: { warn() {}, error: (m, f) => console.error(m, f) } },
      { ...options, issuer },
    )
  } catch (err) {
    node.close()
    await store.close()
    throw err
  }
  handler = server.fetch
  return {
    issuer,
    tokenUrl: `${origin}/token`,
    store,
    server,
    clock,
    async close() {
      node.closeAllConnections()
      await new Promise((resolve) => node.close(resolve))
      await server.close()
      await store.close()
    },
  }
}

/** POSTs a form with optional Basic credentials and extra headers. */
export function postForm(
  url: string,
  params: Record<string, string | string[]>,
  options: { basic?: [string, string]; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v)
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers }
  if (options.basic) headers.authorization = buildBasicAuthorization(...options.basic)
  return fetch(url, { method: 'POST', headers, body })
}

/** The audit events of one request. */
export async function auditOf(store: Store, response: Response): Promise<AuditEvent[]> {
  const requestId = response.headers.get('x-request-id')
  if (requestId === null) throw new Error('response has no X-Request-Id')
  return (await store.audit.query({ requestId })).events
}

/** The members a token, introspection or error response may carry. */
export interface JsonBody {
  access_token: string
  token_type: string
  expires_in: number
  scope: string
  error: string
  error_description: string
  active: boolean
  [member: string]: unknown
}

/** Reads a JSON response body. */
export async function readJson(response: Response): Promise<JsonBody> {
  return (await response.json()) as JsonBody
}
