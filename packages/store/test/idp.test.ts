import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isStoreError, type Store, userConnectionTarget } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

// The IdP's repositories (migration 0002-idp) on every backend.
describe.each(BACKENDS)('idp repositories on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
  })
  afterAll(() => b?.dispose())

  test('users: create, unique username, update, credentials, list by status', async () => {
    const alice = await store.idp.users.create({ username: 'alice', email: 'a@x.example', passwordHash: 'scrypt$h' })
    expect(alice).toMatchObject({ username: 'alice', status: 'active', roles: [], hasPassword: true })
    const dup = await store.idp.users.create({ username: 'alice' }).catch((e) => e)
    expect(isStoreError(dup) && dup.code).toBe('ERR_STORE_CONFLICT')
    expect((await store.idp.users.credentials('alice'))?.passwordHash).toBe('scrypt$h')
    const disabled = await store.idp.users.update(alice.id, { status: 'disabled', roles: ['admin', 'admin'] })
    expect(disabled).toMatchObject({ status: 'disabled', roles: ['admin'] })
    expect((await store.idp.users.list({ status: 'disabled' })).map((u) => u.id)).toContain(alice.id)
    expect(await store.idp.users.update('nobody', { name: 'x' })).toBeUndefined()
    await expect(store.idp.users.update(alice.id, { status: 'gone' as never })).rejects.toThrow(TypeError)
  })

  test('groups and memberships; unknown user is ERR_STORE_NOT_FOUND', async () => {
    const bob = await store.idp.users.create({ username: 'bob' })
    const eng = await store.idp.groups.create({ name: 'engineering' })
    await store.idp.groups.addMember(eng.id, bob.id)
    await store.idp.groups.addMember(eng.id, bob.id)
    expect(await store.idp.groups.members(eng.id)).toEqual([bob.id])
    expect((await store.idp.groups.groupsOf(bob.id)).map((g) => g.name)).toEqual(['engineering'])
    const err = await store.idp.groups.addMember(eng.id, 'no-such-user').catch((e) => e)
    expect(isStoreError(err) && err.code).toBe('ERR_STORE_NOT_FOUND')
    expect(await store.idp.groups.removeMember(eng.id, bob.id)).toBe(true)
    expect(await store.idp.groups.groupsOf(bob.id)).toEqual([])
  })

  test('applications: issuer and aliases share one namespace; resources; per-client ids', async () => {
    await store.idp.clients.create({
      clientId: 'agent',
      name: 'Agent',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['authorization_code'],
      secretHash: 'sha256$x',
    })
    const app = await store.idp.applications.create({
      name: 'Chat',
      issuer: 'https://as.chat.example',
      aliases: ['urn:chat'],
    })
    expect((await store.idp.applications.resolveAudience('urn:chat'))?.id).toBe(app.id)
    expect((await store.idp.applications.resolveAudience('https://as.chat.example'))?.id).toBe(app.id)
    expect(await store.idp.applications.resolveAudience('https://as.chat.example/')).toBeUndefined()
    const clash = await store.idp.applications.create({ name: 'Other', issuer: 'urn:chat' }).catch((e) => e)
    expect(isStoreError(clash) && clash.code).toBe('ERR_STORE_CONFLICT')
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.chat.example', scopes: ['chat.read'] })
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.chat.example', scopes: ['a', 'b'] })
    expect(await store.idp.applications.resources(app.id)).toEqual([
      { applicationId: app.id, uri: 'https://mcp.chat.example', name: null, scopes: ['a', 'b'] },
    ])
    await store.idp.applications.setClientId(app.id, 'agent', 'f53f191f')
    expect(await store.idp.applications.clientIdAt(app.id, 'agent')).toBe('f53f191f')
    expect(await store.idp.applications.clientIdAt(app.id, 'other')).toBeUndefined()
  })

  test('connections: one per (client, application, resource); blocks in force until their date', async () => {
    const app = await store.idp.applications.create({ name: 'Files', issuer: 'https://as.files.example' })
    const conn = await store.idp.connections.create({
      clientId: 'agent',
      applicationId: app.id,
      resource: 'https://mcp.files.example',
      groups: ['g1'],
      scopes: ['files.read'],
      maxAuthAge: 600,
      consentGrantedBy: 'admin',
    })
    expect(conn).toMatchObject({ enabled: true, maxAuthAge: 600, consentGrantedAt: clock.now })
    const dup = await store.idp.connections
      .create({ ...conn, id: undefined, consentGrantedBy: 'admin' } as never)
      .catch((e) => e)
    expect(isStoreError(dup) && dup.code).toBe('ERR_STORE_CONFLICT')
    expect((await store.idp.connections.update(conn.id, { enabled: false }))?.enabled).toBe(false)
    expect((await store.idp.connections.find('agent', app.id, 'https://mcp.files.example'))?.id).toBe(conn.id)

    const block = await store.idp.blocks.create({
      kind: 'client',
      target: 'agent',
      until: clock.now + 1000,
      createdBy: 't',
    })
    expect((await store.idp.blocks.activeFor({ user: 'u', client: 'agent' })).map((x) => x.id)).toEqual([block.id])
    clock.advance(1000)
    expect(await store.idp.blocks.activeFor({ client: 'agent' })).toEqual([])
    await store.idp.blocks.create({ kind: 'user', target: 'u', createdBy: 't' })
    expect(await store.idp.blocks.activeFor({ user: 'u' })).toHaveLength(1)
  })

  test('a user_connection block stops one user on one connection only (migration 0004 widened the kinds)', async () => {
    const target = userConnectionTarget('conn-1', 'u-7')
    expect(target).toBe('conn-1:u-7')
    const block = await store.idp.blocks.create({ kind: 'user_connection', target, createdBy: 'user:u-7' })
    expect(block).toMatchObject({ kind: 'user_connection', target, until: null })
    expect(await store.idp.blocks.activeFor({ user_connection: target })).toHaveLength(1)
    expect(await store.idp.blocks.activeFor({ user_connection: userConnectionTarget('conn-1', 'u-8') })).toEqual([])
    expect(await store.idp.blocks.activeFor({ user: 'u-7' })).toEqual([])
    await expect(store.idp.blocks.create({ kind: 'group' as never, target: 'x', createdBy: 't' })).rejects.toThrow(
      TypeError,
    )
    await expect(
      sql`insert into idp_block (id, kind, target, created_by, created_at) values ('b', 'group', 'x', 't', 1)`.execute(
        store.db,
      ),
    ).rejects.toThrow()
    expect(await store.idp.blocks.delete(block.id)).toBe(true)
  })

  test('API keys by hash, revocation', async () => {
    const key = await store.idp.apiKeys.create({ name: 'ci', keyHash: 'sha256$abc', createdBy: 'cli' })
    expect((await store.idp.apiKeys.findActiveByHash('sha256$abc'))?.id).toBe(key.id)
    expect(await store.idp.apiKeys.revoke(key.id)).toBe(true)
    expect(await store.idp.apiKeys.findActiveByHash('sha256$abc')).toBeUndefined()
  })

  test('oidc models carry account_id; revokeByAccountId deletes every model of the account', async () => {
    await store.oidcAdapter('Session').upsert('s1', { accountId: 'carol', kind: 'Session' }, 600)
    await store.oidcAdapter('RefreshToken').upsert('r1', { accountId: 'carol', grantId: 'g' }, 600)
    await store.oidcAdapter('RefreshToken').upsert('r2', { accountId: 'dave', grantId: 'h' }, 600)
    expect(await store.oidc.revokeByAccountId('carol')).toBe(2)
    expect(await store.oidcAdapter('Session').find('s1')).toBeUndefined()
    expect(await store.oidcAdapter('RefreshToken').find('r2')).toMatchObject({ accountId: 'dave' })
  })

  test('a transaction sees the IdP repositories and rolls back with the audit event', async () => {
    await store
      .transaction(async (tx) => {
        await tx.idp.groups.create({ name: 'rolled-back' })
        await tx.audit.append({ actor: { type: 'cli', id: 'cli' }, action: 'admin.group.create', decision: 'change' })
        throw new Error('abort')
      })
      .catch(() => {})
    expect(await store.idp.groups.findByName('rolled-back')).toBeUndefined()
  })
})
