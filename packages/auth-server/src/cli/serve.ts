// `openxaa-as serve`: the resource AS alone, on one port, over the configured store.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { operationsFromEnv, rateLimitOptionsFromEnv } from '@openxaa/ops'
import { openStore } from '@openxaa/store'
import { createAuthServer } from '../server.js'
import { parse, UsageError } from './args.js'

export const SERVE_USAGE = `usage: openxaa-as serve [--port 8080] [--host 127.0.0.1] [--issuer URL] [--database-url URL]
                        [--access-token-lifetime SECONDS]

Runs the resource authorization server. Without --issuer, the issuer is http://<host>:<port>, which is only
allowed on a loopback host; in production pass the public https issuer (no trailing slash).
The database is --database-url, else OPENXAA_DATABASE_URL, else sqlite:./data/openxaa.db.
The admin console is at <issuer>/console; its cookie keys are OPENXAA_COOKIE_KEYS (comma-separated), else the file
as-cookie-keys in OPENXAA_DATA_DIR (default ./data), created on first start.
One JSON line per request on stdout at OPENXAA_LOG_LEVEL (debug, info, warn, error, off; default info).
OPENXAA_MAX_IN_FLIGHT (default 256, 0 = none) bounds requests served at once; past it the answer is 503.
Rate limits (429 with Retry-After past them), per fixed minute:
  OPENXAA_RATE_LIMIT_PER_MINUTE             per remote address on /token, /introspect, /revoke (default 600, 0 = off)
  OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE  per authenticated client on /token (default 3000, 0 = off)
  OPENXAA_REDIS_URL                         count in Redis (redis:// or rediss://), shared by every replica; else
                                            in the database on PostgreSQL, else in memory
  OPENXAA_REDIS_PREFIX                      key prefix (default openxaa:rl:)
  OPENXAA_REDIS_TIMEOUT_MS                  Redis deadline (default 500); Redis down or late = requests let through
  OPENXAA_TRUST_PROXY=true                  behind a proxy that nothing can bypass: the address limited is the last
                                            X-Forwarded-For entry, not the proxy's (default: the socket's peer)
GET /healthz, /readyz (503 while the database or signing keys are unavailable) and /metrics (Prometheus).
SIGTERM stops accepting connections, lets requests in flight finish, then exits 0.`

/** The console's cookie keys: from the environment, else a file in the data directory (made once, mode 0600). */
export function consoleCookieKeys(env: Record<string, string | undefined> = process.env): string[] {
  if (env.OPENXAA_COOKIE_KEYS) return env.OPENXAA_COOKIE_KEYS.split(',').map((k) => k.trim())
  const dir = env.OPENXAA_DATA_DIR ?? join('.', 'data')
  const file = join(dir, 'as-cookie-keys')
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  }
  chmodSync(file, 0o600)
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((k) => k.trim())
    .filter(Boolean)
}

/** Runs the server until SIGINT or SIGTERM. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, flags } = parse(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      'access-token-lifetime': { type: 'string' },
    },
    SERVE_USAGE,
    [0, 0],
  )
  if (flags.has('help')) {
    console.log(SERVE_USAGE)
    return 0
  }
  const port = Number(values.port ?? process.env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a port number', SERVE_USAGE)
  const host = values.host ?? '127.0.0.1'
  const lifetime = values['access-token-lifetime']
  const ops = operationsFromEnv('openxaa-as')
  const rateLimits = rateLimitOptionsFromEnv(process.env)
  const store = await openStore(values['database-url'] === undefined ? {} : { url: values['database-url'] })
  let server: ReturnType<typeof serve> | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      let app: ReturnType<typeof createAuthServer> | undefined
      server = serve({ fetch: (req, env) => app!.fetch(req, env), port, hostname: host }, (info) => {
        try {
          const shownHost = host.includes(':') ? `[${host}]` : host
          app = createAuthServer(
            { store, logger: ops.requestLogger, ...ops },
            {
              issuer: values.issuer ?? `http://${shownHost}:${info.port}`,
              cookieKeys: consoleCookieKeys(),
              trustProxy: process.env.OPENXAA_TRUST_PROXY === 'true',
              ...rateLimits,
              ...(lifetime === undefined ? {} : { accessTokenLifetime: Number(lifetime) }),
            },
          )
          console.log(`openxaa-as: issuer ${app.context.options.issuer} listening on ${shownHost}:${info.port}`)
          resolve()
        } catch (err) {
          reject(err)
        }
      })
      server.once('error', reject)
    })
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
    })
    return 0
  } finally {
    // Drain: no new connections, requests in flight finish (Node closes idle keep-alive connections); then the store.
    const s = server
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()))
    await store.close()
  }
}
