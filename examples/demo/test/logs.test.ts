// The logs of a full run never hold a credential: the demo's servers log one JSON line per request into memory while
// the real client signs alice in, exchanges, redeems and calls MCP tools (plus a replayed ID-JAG and a wrong
// secret); then every token, secret and password the run issued or used is searched for in the captured lines.
import { Client } from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore } from '@openxaa/client'
import { createXaaTransport } from '@openxaa/client/mcp-v2'
import { createJsonLogger } from '@openxaa/ops'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CLI_CLIENT, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

const [notes] = VENDORS as [(typeof VENDORS)[0]]
const lines: string[] = []
const used = new Set<string>()
let demo: Awaited<ReturnType<typeof startTestDemo>>

// Every credential-looking value crossing the wire, in either direction: form fields and JSON token members.
const CREDENTIAL_FIELDS =
  /^(access_token|refresh_token|id_token|assertion|subject_token|client_secret|password|code|code_verifier)$/
function remember(name: string, value: unknown): void {
  if (typeof value === 'string' && CREDENTIAL_FIELDS.test(name) && value.length >= 8) used.add(value)
}
const recordingFetch: typeof fetch = async (input, init) => {
  const auth = new Headers(init?.headers).get('authorization')
  if (auth !== null) used.add(auth.replace(/^\w+ /, ''))
  if (typeof init?.body === 'string' || init?.body instanceof URLSearchParams) {
    for (const [k, v] of new URLSearchParams(String(init.body))) remember(k, v)
  }
  const res = await fetch(input, init)
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    const body = (await res.clone().json()) as Record<string, unknown>
    for (const [k, v] of Object.entries(body ?? {})) remember(k, v)
  }
  return res
}

beforeAll(async () => {
  const clock = new TestClock()
  demo = await startTestDemo(clock, {
    requestLogger: (service) => createJsonLogger({ service, level: 'debug', write: (l) => lines.push(l) }),
    idpLogger: createJsonLogger({ service: 'openxaa-idp', level: 'debug', write: (l) => lines.push(l) }),
  })
})
afterAll(() => demo.close())

test('a full run logs one JSON line per request and never a token, secret or password', async () => {
  const { secrets, urls } = demo.state
  const alice = userNamed('alice')
  const xaa = createXaaClient(
    {
      idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
      authorizationServers: {
        [urls.notesAs]: { clientId: notes.clientIds[CLI_CLIENT]!, clientSecret: secrets.vendors.notes[CLI_CLIENT]! },
      },
    },
    {
      fetch: recordingFetch,
      clock: () => Date.now(),
      store: new MemoryTokenStore(),
      openBrowser: (url) => signInAtBrowser(url, alice.username, alice.password),
    },
  )
  await xaa.signIn()
  const mcp = new Client({ name: 'logs', version: '1.0.0' })
  await mcp.connect(createXaaTransport(xaa, urls.notesMcp))
  const created = await mcp.callTool({ name: 'notes.create', arguments: { title: 'log test', body: 'x' } })
  expect(created.isError).not.toBe(true)
  await mcp.close()

  // Refusals are logged too: a wrong client secret at the AS, and an ID-JAG-shaped garbage assertion.
  const bad = await fetch(`${urls.notesAs}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJ4In0.AAAA',
      client_id: notes.clientIds[CLI_CLIENT]!,
      client_secret: 'wrong-secret-value-123',
    }),
  })
  expect(bad.status).toBe(401)
  used.add('wrong-secret-value-123')
  used.add('eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJ4In0.AAAA')

  used.add(alice.password)
  for (const s of Object.values(secrets.idp)) used.add(s)
  for (const vendor of Object.values(secrets.vendors)) for (const s of Object.values(vendor)) used.add(s)
  const kinds = [...used].filter((v) => v.startsWith('eyJ')).length
  expect(kinds, 'the run used ID tokens, ID-JAGs and access tokens').toBeGreaterThanOrEqual(3)

  const text = lines.join('\n')
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  const requests = parsed.filter((l) => l.msg === 'request')
  expect(new Set(requests.map((l) => l.service))).toEqual(new Set(['openxaa-idp', 'notesAs', 'notesMcp']))
  for (const line of requests) {
    expect(line).toMatchObject({ level: expect.any(String), method: expect.any(String), route: expect.any(String) })
    expect(line.requestId).toMatch(/^[\w.-]{8,}$/)
    expect(typeof line.status).toBe('number')
    expect(typeof line.durationMs).toBe('number')
  }
  expect(requests.some((l) => l.service === 'notesAs' && l.route === '/token' && l.status === 200)).toBe(true)
  expect(requests.some((l) => l.service === 'notesAs' && l.status === 401)).toBe(true)
  for (const value of used) {
    expect(text.includes(value), `a credential (${value.length} chars) appears in the logs`).toBe(false)
    // Also a recognisable piece of it (a JWT's signature, a secret's middle).
    const piece = value.includes('.') ? (value.split('.').pop() ?? '') : value.slice(4, -4)
    if (piece.length >= 12) expect(text.includes(piece)).toBe(false)
  }
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/)
})
