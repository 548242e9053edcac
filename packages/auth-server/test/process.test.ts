// The real `openxaa-as serve` process: killed with SIGKILL in the middle of a load of redemptions, restarted, every
// acknowledged issuance is in the audit log and a jti redeemed before the crash is still refused; SIGTERM lets a
// request in flight finish, refuses new connections and exits 0.
import type { ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { join } from 'node:path'
import { GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { openStore } from '@openxaa/store'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { connectOutcome, exited, freePort, running, startListening } from '../../../test/support/child-process.js'
import { until } from '../../../test/support/until.js'
import { createAdminService, createAuthServer } from '../src/index.js'
import { auditOf, KEK, postForm, readJson, tempDatabase } from './support/as.js'
import { startTestIdp, type TestIdp } from './support/idp.js'
import { AGENT, RESOURCE } from './support/world.js'

const BIN = join(import.meta.dirname, '..', 'bin', 'openxaa-as.mjs')
const db = tempDatabase()
let port = 0
let issuer = ''
let idp: TestIdp
let secret = ''
let child: ChildProcess | undefined

function start(): Promise<ChildProcess> {
  const env = { ...process.env, OPENXAA_KEY_ENCRYPTION_KEY: KEK, OPENXAA_DATA_DIR: db.dir, OPENXAA_LOG_LEVEL: 'off' }
  return startListening([BIN, 'serve', '--port', String(port), '--issuer', issuer, '--database-url', db.url], env)
}
const redeem = (assertion: string) =>
  postForm(`${issuer}/token`, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: [AGENT, secret] })

beforeAll(async () => {
  port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  idp = await startTestIdp({ aud: issuer, client_id: AGENT, resource: RESOURCE, scope: 'chat.read', tenant: 'acme' })
  const store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
  const service = createAdminService(createAuthServer({ store }, { issuer }).context)
  const admin = { type: 'cli' as const, id: 'test' }
  await service.createOrganization(admin, { id: 'acme', name: 'Acme' })
  const trust = await service.createTrust(admin, {
    organizationId: 'acme',
    issuer: idp.issuer,
    tenant: 'acme',
    jwksUri: idp.jwksUri,
    allowedClientIds: [AGENT],
    linkingMode: 'jit',
  })
  await service.setTrustEnabled(admin, trust.id, true)
  secret = (await service.createClient(admin, { clientId: AGENT, organizationId: null })).secret!
  await service.createResource(admin, { uri: RESOURCE, name: 'Chat', scopes: ['chat.read'] })
  await store.close()
}, 60_000)
afterAll(async () => {
  if (running(child)) child?.kill('SIGKILL')
  await idp?.close()
  db.dispose()
})

test('SIGKILL under load: every acknowledged issuance survives and its jti is still refused', async () => {
  child = await start()
  const acknowledged: { assertion: string; requestId: string }[] = []
  let stop = false
  const worker = async () => {
    while (!stop) {
      const assertion = await idp.mint({})
      const res = await redeem(assertion).catch(() => undefined)
      if (res?.status === 200) acknowledged.push({ assertion, requestId: res.headers.get('x-request-id')! })
    }
  }
  const workers = Array.from({ length: 8 }, worker)
  // Kill once some redemptions are acknowledged, not after a fixed time: on a loaded machine 1.5 s saw none.
  await until(async () => acknowledged.length >= 20, 60_000)
  child.kill('SIGKILL')
  stop = true
  await Promise.all(workers)
  await exited(child)
  expect(acknowledged.length).toBeGreaterThan(0)

  child = await start()
  const store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
  try {
    for (const { requestId } of acknowledged) {
      const events = (await store.audit.query({ requestId })).events
      expect(events.map((e) => e.decision)).toEqual(['allow'])
    }
    for (const { assertion } of acknowledged.slice(-5)) {
      const replay = await redeem(assertion)
      expect(replay.status).toBe(400)
      expect((await readJson(replay)).error).toBe('invalid_grant')
      expect((await auditOf(store, replay))[0]?.reason).toBe('ERR_ID_JAG_REPLAY')
    }
  } finally {
    await store.close()
  }
}, 120_000)

test('SIGTERM drains: a slow request completes, new connections are refused, exit 0', async () => {
  if (!running(child)) child = await start()
  const server = child!
  const body = new URLSearchParams({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: await idp.mint({}) }).toString()
  const socket = connect(port, '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
  let answer = ''
  socket.on('data', (d) => {
    answer += d
  })
  const auth = Buffer.from(`${AGENT}:${secret}`).toString('base64')
  socket.write(
    `POST /token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nAuthorization: Basic ${auth}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  )
  // In flight for the server too (its body half read): the scrape below is the other request in flight.
  await until(async () => /^openxaa_http_in_flight_requests 2$/m.test(await (await fetch(`${issuer}/metrics`)).text()))
  server.kill('SIGTERM')
  // Wait until the listening socket is closed: a new connection is refused.
  await until(async () => (await connectOutcome(port)) === 'ECONNREFUSED')
  const closed = new Promise((r) => socket.once('close', r))
  socket.write(body.slice(10))
  await closed
  expect(await exited(server)).toBe(0)
  expect(answer).toMatch(/^HTTP\/1\.1 200 /)
}, 90_000)
