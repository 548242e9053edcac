/**
 * The load side of each measured leg: start the server process (pinned), build the requests, run the load, read
 * the server's RSS afterwards, stop it. Every function returns plain figures; `report.ts` puts them side by side.
 */
import { createPrivateKey } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore, type StoredSession } from '@openxaa/client'
import { createXaaTransport } from '@openxaa/client/mcp-v2'
import {
  buildBasicAuthorization,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_TOKEN_EXCHANGE,
  mintIdJag,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import type { AuthServerReady } from '../servers/auth-server.js'
import type { CryptoLimits } from '../servers/crypto.js'
import type { FloorReady } from '../servers/floor.js'
import type { IdpReady } from '../servers/idp.js'
import type { McpReady } from '../servers/mcp.js'
import type { WorldReady } from '../servers/world.js'
import { type LatencySummary, type LoadOptions, type LoadResult, runLoad } from './load.js'
import { TOOL_CALL } from './mcp-request.js'
import { createBenchDatabase } from './postgres.js'
import { type ServerProcess, startServerProcess } from './server-process.js'

/** Timing of a load run. */
export interface Timing {
  duration: number
  warmup: number
  concurrency: number
  /** Where server CPU profiles go (a directory), when profiling. */
  profileDir?: string
}

/** A token leg (or a reference) measured on one backend, in rounds. */
export interface LegResult extends LoadResult {
  leg: string
  backend: string
  /** The rate of each round, in order; `rps` is their median. */
  roundsRps: number[]
  /** Server RSS after the run, bytes. */
  rss: number
  /** Server CPU time per successful request in the measured window, microseconds. */
  cpuMicrosPerRequest: number
  note?: string
}

const FORM = 'application/x-www-form-urlencoded'

/** The ES256 limits on one core, measured in a pinned process. */
export async function measureCrypto(seconds: number): Promise<CryptoLimits> {
  const p = await startServerProcess<CryptoLimits>('servers/crypto.ts', { args: ['--seconds', String(seconds)] })
  await p.stop()
  const { joseSign, joseVerify, nodeSign, nodeVerify } = p.ready
  return { joseSign, joseVerify, nodeSign, nodeVerify }
}

/** A token leg (or a reference) whose server is up and whose requests are built, ready to be loaded in rounds. */
interface PreparedLeg {
  leg: string
  backend: string
  server: ServerProcess<Record<string, unknown>>
  load: Omit<LoadOptions, 'duration' | 'warmup'>
  /** Why the leg's figures are partial, if they are (e.g. the pre-minted assertions ran out). */
  note?: () => string | undefined
  /** Stops the server and drops its database. */
  close(): Promise<void>
}

/** Starts `script` with `args` and builds its requests; on PostgreSQL, on a fresh database dropped at `close`. */
async function prepare(
  script: string,
  leg: string,
  backend: 'sqlite' | 'postgres' | 'memory' | 'none',
  build: (ready: never) => Promise<Omit<LoadOptions, 'duration' | 'warmup'> & { note?: () => string | undefined }>,
): Promise<PreparedLeg> {
  const db = backend === 'postgres' ? await createBenchDatabase() : undefined
  if (backend === 'postgres' && db === undefined) throw new Error('PostgreSQL at 127.0.0.1:5432 is unreachable')
  const close = async (server?: ServerProcess<unknown>) => {
    try {
      await server?.stop()
    } finally {
      await db?.drop()
    }
  }
  let server: ServerProcess<Record<string, unknown>> | undefined
  try {
    server = await startServerProcess<Record<string, unknown>>(script, {
      args: db === undefined ? [] : ['--database-url', db.url],
    })
    const { note, ...load } = await build(server.ready as never)
    const started = server
    return { leg, backend, server: started, load, ...(note === undefined ? {} : { note }), close: () => close(started) }
  } catch (err) {
    await close(server)
    throw err
  }
}

/**
 * Loads every prepared leg in rounds: each round gives each leg `timing.duration` seconds, one leg after the other,
 * the order rotated from round to round, so that a drift of the machine's speed (it is shared) reaches every leg
 * alike. A leg's rate is the median of its rounds; its ratios to the references are taken round by round
 * (`report.ts`). Servers not under load in a moment sit idle on their core.
 */
export async function measureLegs(legs: PreparedLeg[], timing: Timing, rounds: number): Promise<LegResult[]> {
  for (const l of legs) if (timing.warmup > 0) await runLoad({ ...l.load, duration: timing.warmup, warmup: 0 })
  if (timing.profileDir !== undefined) for (const l of legs) await l.server.startProfile()
  const measured = legs.map(() => [] as { load: LoadResult; cpu: number }[])
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < legs.length; k++) {
      const i = (k + r) % legs.length
      const l = legs[i]!
      const before = await l.server.stats()
      const load = await runLoad({ ...l.load, duration: timing.duration, warmup: 0 })
      const after = await l.server.stats()
      measured[i]!.push({ load, cpu: (after.cpu - before.cpu) / Math.max(1, load.requests + load.errors) })
    }
  }
  const results: LegResult[] = []
  for (const [i, l] of legs.entries()) {
    if (timing.profileDir !== undefined) {
      const dir = join(timing.profileDir, `${l.leg}-${l.backend}`)
      mkdirSync(dir, { recursive: true })
      await l.server.stopProfile(join(dir, 'window.cpuprofile'))
    }
    const list = measured[i]!
    const loads = list.map((x) => x.load)
    const errors = loads.reduce((n, x) => n + x.errors, 0)
    const firstError = loads.find((x) => x.firstError !== undefined)?.firstError
    const note = l.note?.()
    results.push({
      leg: l.leg,
      backend: l.backend,
      requests: loads.reduce((n, x) => n + x.requests, 0),
      errors,
      ...(firstError === undefined ? {} : { firstError }),
      seconds: Math.round(loads.reduce((n, x) => n + x.seconds, 0) * 1000) / 1000,
      rps: Math.round(median(loads.map((x) => x.rps))),
      roundsRps: loads.map((x) => x.rps),
      latency: pooled(loads),
      concurrency: l.load.concurrency,
      sent: loads.reduce((n, x) => n + x.sent, 0),
      rss: (await l.server.stats()).rss,
      cpuMicrosPerRequest: Math.round(median(list.map((x) => x.cpu))),
      ...(note === undefined ? {} : { note }),
    })
  }
  return results
}

/** The IdP leg's requests: a token exchange of `subjectToken` (an ID token) for an ID-JAG, client_secret_basic. */
function tokenExchangeLoad(
  at: { port: number; tokenPath: string },
  concurrency: number,
  client: { id: string; secret: string },
  request: { audience: string; resource: string; scope: string; subjectToken: string },
): Omit<LoadOptions, 'duration' | 'warmup'> {
  const headers = { authorization: buildBasicAuthorization(client.id, client.secret), 'content-type': FORM }
  const body = new URLSearchParams({
    grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
    requested_token_type: TOKEN_TYPE_ID_JAG,
    audience: request.audience,
    resource: request.resource,
    scope: request.scope,
    subject_token: request.subjectToken,
    subject_token_type: TOKEN_TYPE_ID_TOKEN,
  }).toString()
  return {
    port: at.port,
    concurrency,
    next: () => ({ path: at.tokenPath, headers, body }),
    check: (status, text) => status === 200 && text.includes(TOKEN_TYPE_ID_JAG),
  }
}

/** The floor: bare node:http, one ES256 verification and one signature per request, nothing else (`floor.ts`). */
export function prepareFloor(concurrency: number): Promise<PreparedLeg> {
  // The IdP leg's request, with the floor's own subject token (the floor checks no client credentials).
  return prepare('servers/floor.ts', 'floor', 'none', async (ready: FloorReady) =>
    tokenExchangeLoad(
      ready,
      concurrency,
      { id: 'agent', secret: 'unchecked' },
      {
        audience: 'http://127.0.0.1:1',
        resource: 'http://127.0.0.1:1/mcp',
        scope: 'chat.read',
        subjectToken: ready.subjectToken,
      },
    ),
  )
}

/** The peer: oidc-provider's client_credentials grant issuing ES256 JWT access tokens. */
export function preparePeer(concurrency: number): Promise<PreparedLeg> {
  return prepare('servers/peer.ts', 'peer', 'memory', async (ready: Record<string, string>) => {
    const headers = {
      authorization: buildBasicAuthorization(ready.clientId!, ready.clientSecret!),
      'content-type': FORM,
    }
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: ready.resource!, scope: 'api.read' })
    return {
      port: Number(ready.port),
      concurrency,
      next: () => ({ path: '/token', headers, body: body.toString() }),
      check: (status, text) => status === 200 && text.includes('"access_token"'),
    }
  })
}

/** Token exchange at the IdP: alice's ID token in, an ID-JAG out (client_secret_basic, policy, audit). */
export function prepareTokenExchange(backend: 'sqlite' | 'postgres', concurrency: number): Promise<PreparedLeg> {
  return prepare('servers/idp.ts', 'token-exchange', backend, async (ready: IdpReady) =>
    tokenExchangeLoad(
      ready,
      concurrency,
      { id: ready.clientId, secret: ready.clientSecret },
      { audience: ready.audience, resource: ready.resource, scope: ready.scope, subjectToken: ready.idToken },
    ),
  )
}

/**
 * ID-JAG redemption at the resource AS. Every request needs its own ID-JAG (single-use `jti`), so `count` of them are
 * minted here, on the load generator's core, before the run.
 */
export function prepareRedemption(
  backend: 'sqlite' | 'postgres',
  concurrency: number,
  count: number,
): Promise<PreparedLeg> {
  return prepare('servers/auth-server.ts', 'redemption', backend, async (ready: AuthServerReady) => {
    const key = {
      kid: ready.idpKid,
      alg: 'ES256' as const,
      privateKey: createPrivateKey({ key: ready.idpPrivateJwk as never, format: 'jwk' }),
    }
    const headers = {
      authorization: buildBasicAuthorization(ready.clientId, ready.clientSecret),
      'content-type': FORM,
    }
    const bodies: string[] = new Array(count)
    for (let i = 0; i < count; i++) {
      const assertion = await mintIdJag(
        {
          iss: ready.idpIssuer,
          sub: 'alice',
          aud: ready.issuer,
          client_id: ready.clientId,
          resource: ready.resource,
          scope: ready.scope,
          tenant: ready.tenant,
          expiresIn: 900,
        },
        key,
      )
      bodies[i] = new URLSearchParams({
        grant_type: GRANT_TYPE_JWT_BEARER,
        assertion,
        resource: ready.resource,
      }).toString()
    }
    // Warm-up and every round share one counter: each assertion is used once.
    let next = 0
    return {
      port: ready.port,
      concurrency,
      next: () => ({ path: ready.tokenPath, headers, body: bodies[next++]! }),
      exhausted: () => next >= count,
      check: (status, text) => status === 200 && text.includes('"access_token"'),
      note: () => (next >= count ? `ran out of the ${count} pre-minted ID-JAGs: later rounds are short` : undefined),
    }
  })
}

/** One variant of the MCP leg. */
export interface McpVariant {
  variant: 'without middleware' | 'with middleware'
  rps: number
  roundsRps: number[]
  latency: LatencySummary
  cpuMicrosPerCall: number
  errors: number
}

/** Tool calls per second with and without the access-token middleware, rounds alternated. */
export async function measureMcp(timing: Timing, rounds: number): Promise<{ variants: McpVariant[]; rss: number }> {
  const p = await startServerProcess<McpReady>('servers/mcp.ts')
  try {
    const plan = [
      { variant: 'without middleware', port: p.ready.barePort, token: undefined },
      { variant: 'with middleware', port: p.ready.guardedPort, token: p.ready.token },
    ] as const
    const options = (port: number, token: string | undefined) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      }
      if (token !== undefined) headers.authorization = `Bearer ${token}`
      return {
        port,
        concurrency: timing.concurrency,
        next: () => ({ path: '/mcp', headers, body: TOOL_CALL }),
        check: (status: number, text: string) => status === 200 && text.includes('\\"owner\\":\\"alice\\"'),
      }
    }
    for (const v of plan) await runLoad({ ...options(v.port, v.token), duration: timing.warmup || 0.2 })
    const results = new Map<string, { load: LoadResult; cpu: number }[]>()
    for (let r = 0; r < rounds; r++) {
      // Alternate which variant goes first, so a drift in machine load does not favour one.
      for (const v of r % 2 === 0 ? plan : [...plan].reverse()) {
        const before = await p.stats()
        const load = await runLoad({ ...options(v.port, v.token), duration: timing.duration })
        const after = await p.stats()
        const list = results.get(v.variant) ?? []
        list.push({ load, cpu: (after.cpu - before.cpu) / Math.max(1, load.requests) })
        results.set(v.variant, list)
      }
    }
    const variants = plan.map(({ variant }): McpVariant => {
      const list = results.get(variant)!
      return {
        variant,
        rps: Math.round(median(list.map((x) => x.load.rps))),
        roundsRps: list.map((x) => x.load.rps),
        latency: pooled(list.map((x) => x.load)),
        cpuMicrosPerCall: Math.round(median(list.map((x) => x.cpu))),
        errors: list.reduce((n, x) => n + x.load.errors, 0),
      }
    })
    return { variants, rss: (await p.stats()).rss }
  } finally {
    await p.stop()
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

// Latency of several rounds: the median round's percentiles (rounds have equal length, so this is fair enough).
function pooled(loads: LoadResult[]): LatencySummary {
  const sorted = [...loads].sort((a, b) => a.latency.p50 - b.latency.p50)
  return sorted[Math.floor(sorted.length / 2)]!.latency
}

/** End-to-end figures, milliseconds. */
export interface EndToEnd {
  servers: number
  repetitions: number
  /** Per repetition, per server (1..10), the first call's time. */
  runs: number[][]
  firstServer: number
  tenthServer: number
  /** The very first call of the run, when every server cache was cold. */
  coldFirstServer: number
  /** A later call to an already connected server (access token cached), new MCP session. */
  cachedCall: number
  setup: string
}

/** A signed-in client's first call to each of ten new MCP servers, until the tool result. */
export async function measureEndToEnd(repetitions: number): Promise<EndToEnd> {
  const p = await startServerProcess<WorldReady>('servers/world.ts')
  try {
    const w = p.ready
    const claims = decodeJwt(w.idToken)
    const session: StoredSession = {
      issuer: w.idpIssuer,
      clientId: w.idpClientId,
      idToken: w.idToken,
      idTokenExpiresAt: claims.exp!,
      subject: claims.sub!,
      signedInAt: Math.floor(Date.now() / 1000),
      ...(w.refreshToken === undefined ? {} : { refreshToken: w.refreshToken }),
    }
    const call = async (xaa: ReturnType<typeof createXaaClient>, url: string) => {
      const started = performance.now()
      const mcp = new Client({ name: 'bench', version: '1.0.0' })
      await mcp.connect(createXaaTransport(xaa, url))
      const result = await mcp.callTool({ name: 'echo', arguments: { text: 'ping' } })
      const elapsed = performance.now() - started
      await mcp.close()
      const text = (result.content as { text?: string }[])[0]?.text
      if (text !== 'ping') throw new Error(`unexpected tool result from ${url}`)
      return elapsed
    }
    const runs: number[][] = []
    const cached: number[] = []
    for (let r = 0; r < repetitions; r++) {
      // A new client each time: signed in, but it has never seen any of these servers or their AS.
      const xaa = createXaaClient(
        {
          idp: { issuer: w.idpIssuer, clientId: w.idpClientId, auth: { clientSecret: w.idpClientSecret } },
          authorizationServers: { [w.asIssuer]: { clientId: w.asClientId, clientSecret: w.asClientSecret } },
        },
        { store: new MemoryTokenStore({ version: 1, session, accessTokens: {}, bindings: {} }) },
      )
      const times: number[] = []
      for (const url of w.mcpUrls) times.push(await call(xaa, url))
      runs.push(times)
      cached.push(await call(xaa, w.mcpUrls[0]!))
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const round = (n: number) => Math.round(n * 100) / 100
    // The first repetition also pays for cold server caches (JWKS, metadata): it is reported on its own.
    const warm = runs.length > 1 ? runs.slice(1) : runs
    return {
      servers: w.mcpUrls.length,
      repetitions,
      runs: runs.map((times) => times.map(round)),
      firstServer: round(median(warm.map((t) => t[0]!))),
      tenthServer: round(median(warm.map((t) => t[t.length - 1]!))),
      coldFirstServer: round(runs[0]![0]!),
      cachedCall: round(median(cached)),
      setup: `one IdP, one resource AS with ${w.mcpUrls.length} resources (one MCP server each), SQLite`,
    }
  } finally {
    await p.stop()
  }
}
