/**
 * Soak: each token leg of the flow under steady load for a fixed time, on the demo's real servers (one process):
 * the IdP's token exchange (ID token -> ID-JAG), the resource AS's redemption (ID-JAG -> access token, each ID-JAG
 * once) and an MCP call with the access token (the resource-server middleware). Reports throughput, p50/p99 and
 * the process's memory every few seconds; memory must level off (heap after GC at the end within a bound of the
 * middle of the run).
 *
 *   node --expose-gc --conditions=openxaa-source --import tsx bench/soak.ts [--seconds 60] [--concurrency 8]
 *
 * Writes bench/results/soak.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createXaaClient, MemoryTokenStore } from '@openxaa/client'
import { CLI_CLIENT, startDemo, userNamed, VENDORS } from '@openxaa/example-demo'
import {
  buildBasicAuthorization,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '@openxaa/protocol'
import { signInAtBrowser } from '../examples/demo/test/support/browser.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
if (process.argv.includes('--help')) {
  console.log(
    'usage: node --expose-gc --conditions=openxaa-source --import tsx bench/soak.ts [--seconds S] [--concurrency C]',
  )
  process.exit(0)
}
const SECONDS = arg('seconds', 60)
const CONCURRENCY = arg('concurrency', 8)
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results')
const gc = (globalThis as { gc?: () => void }).gc
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10

interface Sample {
  leg: string
  t: number
  rssMb: number
  heapMb: number
}
const samples: Sample[] = []

/** Times one call; an op that has untimed set-up calls it around the part it measures. */
type Timed = (call: () => Promise<void>) => Promise<void>

/** Runs `op` with CONCURRENCY callers for SECONDS; memory sampled every 2 s. */
async function leg(name: string, op: (timed: Timed) => Promise<void>) {
  const latencies: number[] = []
  let errors = 0
  const start = performance.now()
  const end = start + SECONDS * 1000
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    samples.push({
      leg: name,
      t: Math.round((performance.now() - start) / 1000),
      rssMb: mb(m.rss),
      heapMb: mb(m.heapUsed),
    })
  }, 2000)
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const timed: Timed = async (call) => {
          const t = performance.now()
          await call()
          latencies.push(performance.now() - t)
        }
        try {
          await op(timed)
        } catch {
          errors++
        }
      }
    }),
  )
  clearInterval(sampler)
  latencies.sort((a, b) => a - b)
  const q = (p: number) => Math.round((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) * 10) / 10
  return {
    leg: name,
    ops: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / SECONDS),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-soak-'))
const demo = await startDemo(
  {
    ports: { idp: 0, notesAs: 0, notesMcp: 0, tasksAs: 0, tasksMcp: 0 },
    dataDir,
    databaseUrl: undefined,
    schemaPrefix: 'soak',
    reset: false,
  },
  { passwordHashCost: 12, rateLimitPerMinute: false, rateLimitPerClientPerMinute: false },
)
try {
  const { urls, secrets } = demo.state
  const notes = VENDORS[0]!
  const alice = userNamed('alice')
  let idToken = ''
  const client = createXaaClient(
    {
      idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
      authorizationServers: {
        [urls.notesAs]: { clientId: notes.clientIds[CLI_CLIENT]!, clientSecret: secrets.vendors.notes[CLI_CLIENT]! },
      },
    },
    {
      store: new MemoryTokenStore(),
      openBrowser: (url) => signInAtBrowser(url, alice.username, alice.password),
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        const body = res.headers.get('content-type')?.includes('json')
          ? ((await res.clone().json()) as { id_token?: string })
          : {}
        if (typeof body.id_token === 'string') idToken = body.id_token
        return res
      },
    },
  )
  await client.signIn()
  if (idToken === '') throw new Error('no ID token from the sign-in')

  const idpAuth = buildBasicAuthorization(CLI_CLIENT, secrets.idp[CLI_CLIENT]!)
  const asAuth = buildBasicAuthorization(notes.clientIds[CLI_CLIENT]!, secrets.vendors.notes[CLI_CLIENT]!)
  const form = (params: Record<string, string>, authorization: string, url: string) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    })
  const idJags: string[] = []
  const exchange = async () => {
    const res = await form(
      {
        grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
        subject_token: idToken,
        subject_token_type: TOKEN_TYPE_ID_TOKEN,
        requested_token_type: TOKEN_TYPE_ID_JAG,
        audience: urls.notesAs,
        resource: urls.notesMcp,
        scope: 'notes.read',
      },
      idpAuth,
      `${urls.idp}/token`,
    )
    if (res.status !== 200) throw new Error(`exchange ${res.status}: ${await res.text()}`)
    const jag = ((await res.json()) as { access_token: string }).access_token
    if (idJags.length < 200_000) idJags.push(jag)
  }
  let accessToken = ''
  // Each ID-JAG redeems once, and the exchange leg leaves fewer than a steady redemption load uses: when the pool
  // is empty a caller gets a fresh one first, outside the timed call (the redemption is what this leg measures).
  const redeem = async (timed: (call: () => Promise<void>) => Promise<void>) => {
    if (idJags.length === 0) await exchange()
    const assertion = idJags.pop()!
    await timed(async () => {
      const res = await form({ grant_type: GRANT_TYPE_JWT_BEARER, assertion }, asAuth, `${urls.notesAs}/token`)
      if (res.status !== 200) throw new Error(`redeem ${res.status}`)
      accessToken = ((await res.json()) as { access_token: string }).access_token
    })
  }
  const call = async () => {
    const res = await fetch(urls.notesMcp, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'soak', version: '1' } },
      }),
    })
    await res.text()
    if (res.status !== 200) throw new Error(`mcp ${res.status}`)
  }

  gc?.()
  const before = process.memoryUsage()
  const whole = (op: () => Promise<void>) => (timed: Timed) => timed(op)
  const legs = [
    await leg('token-exchange', whole(exchange)),
    await leg('redemption', redeem),
    await leg('mcp-call', whole(call)),
  ]
  gc?.()
  const after = process.memoryUsage()
  const heap = samples.map((s) => s.heapMb)
  const middle = heap.slice(Math.floor(heap.length / 3), Math.floor((2 * heap.length) / 3))
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    legs,
    memory: {
      rssStartMb: mb(before.rss),
      rssEndMb: mb(after.rss),
      heapStartMb: mb(before.heapUsed),
      heapEndMb: mb(after.heapUsed),
      heapMiddleMaxMb: Math.max(...middle),
      heapLastMb: heap[heap.length - 1] ?? 0,
    },
    samples,
  }
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, 'soak.json'), `${JSON.stringify(result, null, 2)}\n`)
  console.log(JSON.stringify({ ...result, samples: `${samples.length} samples in bench/results/soak.json` }, null, 2))
} finally {
  await demo.close()
  rmSync(dataDir, { recursive: true, force: true })
}
