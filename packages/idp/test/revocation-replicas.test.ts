// 2(b).1 and 2(b).4 across replicas: every row a token exchange decides on (client, user, groups, connection,
// blocks, current signing key) is read in one query per request and never cached, so a change made through one
// instance applies to the very next exchange at a second instance that shares only the database (its own store,
// nothing in memory in common): no wait, no restart.
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  type Harness,
  signIn,
  startHarness,
  type TokenSet,
} from './support/harness.js'

let h: Harness
let replica: Awaited<ReturnType<Harness['replica']>>
let carol: TokenSet
let connectionId: string

beforeAll(async () => {
  h = await startHarness()
  replica = await h.replica({ ownStore: true })
  // Each replica of the harness has its own issuer: carol signs in at the replica, which checks its own ID tokens.
  carol = await signIn({ issuer: replica.issuer }, h.clients.agent, { username: 'carol' })
  const connections = await h.store.idp.connections.list()
  connectionId = connections.find((c) => c.clientId === 'agent' && c.resource === CHAT_MCP)!.id
})
afterAll(async () => {
  await replica?.close()
  await h?.close()
})

const atReplica = () =>
  exchange(
    { issuer: replica.issuer },
    { audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: carol.id_token },
    { client: h.clients.agent },
  )

async function lastReason(): Promise<string | undefined> {
  // Read through the replica's own store: the refusal was written there.
  const page = await replica.store.audit.query({ action: 'id_jag.issue', limit: 100 })
  return page.events.reduce((a, b) => (b.id > a.id ? b : a)).reason ?? undefined
}

/** Changes something through the main instance, expects the replica's next exchange refused, then undoes it. */
async function refusedAtOnce(
  change: () => Promise<unknown>,
  undo: () => Promise<unknown>,
  expected: { status: number; error: string; reason?: string },
) {
  expect((await atReplica()).status).toBe(200)
  await change()
  try {
    const refused = await atReplica()
    expect(refused).toMatchObject({ status: expected.status, body: { error: expected.error } })
    expect(refused.body.access_token).toBeUndefined()
    if (expected.reason !== undefined) expect(await lastReason()).toBe(expected.reason)
  } finally {
    await undo()
  }
  expect((await atReplica()).status).toBe(200)
}

test('the replica has a store of its own', () => {
  expect(replica.store).not.toBe(h.store)
})

test('a user disabled on one instance is refused by the other at once', async () => {
  await refusedAtOnce(
    () => operations.setUserStatus(h.admin, h.users.carol, 'disabled'),
    () => operations.setUserStatus(h.admin, h.users.carol, 'active'),
    { status: 400, error: 'access_denied', reason: 'ERR_USER_DISABLED' },
  )
})

test('a user removed from the connection’s group on one instance is refused by the other at once', async () => {
  await refusedAtOnce(
    () => operations.removeMember(h.admin, h.groups.engineering, h.users.carol),
    () => operations.addMember(h.admin, h.groups.engineering, h.users.carol),
    { status: 400, error: 'access_denied', reason: 'ERR_USER_NOT_IN_GROUP' },
  )
})

test('a connection disabled on one instance is refused by the other at once', async () => {
  await refusedAtOnce(
    () => operations.updateConnection(h.admin, connectionId, { enabled: false }),
    () => operations.updateConnection(h.admin, connectionId, { enabled: true }),
    { status: 400, error: 'access_denied', reason: 'ERR_CONNECTION_DISABLED' },
  )
})

test('a client disabled on one instance cannot authenticate at the other at once', async () => {
  await refusedAtOnce(
    () => operations.updateClient(h.admin, 'agent', { enabled: false }),
    () => operations.updateClient(h.admin, 'agent', { enabled: true }),
    { status: 401, error: 'invalid_client' },
  )
})

test('blocks made on one instance (user, client, application, a user’s own revocation) apply at the other at once', async () => {
  const targets = [
    { kind: 'user' as const, target: h.users.carol },
    { kind: 'client' as const, target: 'agent' },
    { kind: 'application' as const, target: h.apps.chat },
    { kind: 'user_connection' as const, target: `${connectionId}:${h.users.carol}` },
  ]
  for (const input of targets) {
    let blockId = ''
    await refusedAtOnce(
      async () => {
        blockId = (await operations.createBlock(h.admin, input)).id
      },
      () => operations.deleteBlock(h.admin, blockId),
      { status: 400, error: 'access_denied', reason: 'ERR_BLOCKED' },
    )
  }
})

test('a signing key rotated on one instance signs the other’s next ID-JAG, and is published', async () => {
  const before = await atReplica()
  const oldKid = decodeProtectedHeader(String(before.body.access_token)).kid
  const rotated = await operations.rotateKeys(h.admin)
  expect(rotated.kid).not.toBe(oldKid)
  // The other instance publishes the next key at once and keeps signing with the old one until its activation.
  const published = (await (await fetch(`${replica.issuer}/jwks`)).json()) as { keys: { kid: string }[] }
  expect(published.keys.map((k) => k.kid)).toEqual([oldKid, rotated.kid])
  expect(decodeProtectedHeader(String((await atReplica()).body.access_token)).kid).toBe(oldKid)
  h.clock.advance(60)
  try {
    const after = await atReplica()
    expect(after.status).toBe(200)
    expect(decodeProtectedHeader(String(after.body.access_token)).kid).toBe(rotated.kid)
    const jwks = (await (await fetch(`${replica.issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid])
  } finally {
    h.clock.advance(-60)
  }
})
