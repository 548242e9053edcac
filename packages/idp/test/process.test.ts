// The real `openxaa-idp serve` process: killed with SIGKILL in the middle of a load of token exchanges, restarted,
// every ID-JAG it answered 200 for has its audit event; SIGTERM lets a request in flight finish, refuses new
// connections and exits 0.
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildBasicAuthorization,
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '@openxaa/protocol'
import { openStore } from '@openxaa/store'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { connectOutcome, exited, freePort, running, startListening } from '../../../test/support/child-process.js'
import { until } from '../../../test/support/until.js'
import { CHAT_ISSUER, CHAT_MCP, exchange, type SeededClient, signIn, startHarness, TENANT } from './support/harness.js'

const BIN = join(import.meta.dirname, '..', 'bin', 'openxaa-idp.mjs')
const KEK = randomBytes(32).toString('base64url')
const dir = mkdtempSync(join(tmpdir(), 'openxaa-idp-process-'))
const url = `sqlite:${join(dir, 'idp.db')}`
let issuer = ''
let port = 0
let agent: SeededClient
let idToken = ''
let child: ChildProcess | undefined

function start(): Promise<ChildProcess> {
  const env = { ...process.env, OPENXAA_KEY_ENCRYPTION_KEY: KEK, OPENXAA_DATA_DIR: dir, OPENXAA_LOG_LEVEL: 'off' }
  const args = [BIN, 'serve', '--port', String(port), '--issuer', issuer, '--tenant', TENANT, '--database-url', url]
  return startListening(args, env)
}
const idJag = () =>
  exchange(
    { issuer },
    { audience: CHAT_ISSUER, resource: CHAT_MCP, scope: 'chat.read', subject_token: idToken },
    { client: agent },
  )

beforeAll(async () => {
  port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  // The harness seeds the directory (users, clients, applications, connections) into the file the process serves.
  const seeded = await startHarness({}, { databaseUrl: url, keyEncryptionKey: KEK })
  agent = seeded.clients.agent
  await seeded.close()
}, 60_000)
afterAll(() => {
  if (running(child)) child?.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

test('SIGKILL under token-exchange load: every acknowledged ID-JAG has its audit event after a restart', async () => {
  child = await start()
  idToken = (await signIn({ issuer }, agent)).id_token
  const acknowledged: string[] = []
  let stop = false
  let enough: () => void = () => {}
  const loaded = new Promise<void>((resolve) => {
    enough = resolve
  })
  const worker = async () => {
    while (!stop) {
      const res = await idJag().catch(() => undefined)
      if (res?.status === 200) {
        acknowledged.push(decodeJwt(String(res.body.access_token)).jti!)
        if (acknowledged.length >= 20) enough()
      }
    }
  }
  const workers = Array.from({ length: 8 }, worker)
  await loaded
  child.kill('SIGKILL')
  stop = true
  await Promise.all(workers)
  await exited(child)

  child = await start()
  const store = await openStore({ url, keyEncryptionKey: KEK, dataDir: dir })
  try {
    const audited = new Set<unknown>()
    let cursor: string | undefined
    do {
      const page = await store.audit.query({ action: 'id_jag.issue', decision: 'allow', limit: 500, cursor })
      for (const e of page.events) audited.add(e.data?.jti)
      cursor = page.nextCursor
    } while (cursor !== undefined)
    expect(audited.size).toBeGreaterThanOrEqual(acknowledged.length)
    expect(acknowledged.filter((jti) => !audited.has(jti))).toEqual([])
  } finally {
    await store.close()
  }
  // The restarted process serves the same signing key and sessions: the ID token from before still exchanges.
  expect((await idJag()).status).toBe(200)
}, 180_000)

test('SIGTERM drains: a slow request completes, new connections are refused, exit 0', async () => {
  if (!running(child)) child = await start()
  if (idToken === '') idToken = (await signIn({ issuer }, agent)).id_token
  const server = child!
  const body = new URLSearchParams({
    grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
    requested_token_type: TOKEN_TYPE_ID_JAG,
    subject_token_type: TOKEN_TYPE_ID_TOKEN,
    subject_token: idToken,
    audience: CHAT_ISSUER,
    resource: CHAT_MCP,
    scope: 'chat.read',
  }).toString()
  const socket = connect(port, '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
  let answer = ''
  socket.on('data', (d) => {
    answer += d
  })
  // Half the body now: the request is in flight when the signal arrives.
  socket.write(
    `POST /token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
      `Authorization: ${buildBasicAuthorization(agent.clientId, agent.secret)}\r\n` +
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
}, 120_000)
