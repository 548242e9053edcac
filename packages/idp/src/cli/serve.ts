/**
 * `openxaa-idp serve`: the IdP alone on one port, SQLite by default. Cookie keys come from OPENXAA_COOKIE_KEYS
 * (comma-separated) or a file created on first start in the data directory (mode 0600), so restarts keep sessions.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { operationsFromEnv, rateLimitOptionsFromEnv } from '@openxaa/ops'
import type { Store } from '@openxaa/store'
import { createIdp } from '../create.js'
import type { CliIo } from './io.js'

/** Settings of `serve`. */
export interface ServeSettings {
  port: number
  host: string
  issuer: string
  tenant: string
  dataDir: string
}

/** Reads or creates the cookie keys. */
export function cookieKeys(env: CliIo['env'], dataDir: string): string[] {
  if (env.OPENXAA_COOKIE_KEYS) return env.OPENXAA_COOKIE_KEYS.split(',').map((k) => k.trim())
  const file = join(dataDir, 'idp-cookie-keys')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  }
  chmodSync(file, 0o600)
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((k) => k.trim())
    .filter(Boolean)
}

/** Starts the IdP; resolves when the server listens, returns a stop function. */
export async function startServer(store: Store, settings: ServeSettings, io: CliIo): Promise<() => Promise<void>> {
  const ops = operationsFromEnv('openxaa-idp', io.env)
  const rateLimits = rateLimitOptionsFromEnv(io.env)
  const idp = await createIdp(
    { store, logger: ops.requestLogger, ...ops },
    {
      issuer: settings.issuer,
      tenant: settings.tenant,
      cookieKeys: cookieKeys(io.env, settings.dataDir),
      trustProxy: io.env.OPENXAA_TRUST_PROXY === 'true',
      ...rateLimits,
    },
  )
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: idp.fetch, port: settings.port, hostname: settings.host }, () => resolve(s))
  })
  io.out(
    `openxaa-idp: issuer ${settings.issuer} listening on http://${settings.host}:${settings.port} (tenant ${settings.tenant})`,
  )
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await idp.close()
  }
}
