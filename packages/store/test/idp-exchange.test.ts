import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

// The token exchange's combined reads return exactly what the single-row repositories return, fresh on every call.
describe.each(BACKENDS)('idp token-exchange reads on %s', (name) => {
  let b: Backend
  let store: Store
  let other: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
    // A second store over the same database: another replica.
    other = await b.open({ clock: clock.fn })
  })
  afterAll(async () => {
    // The SQLite backend leaves closing to its callers; PGlite shares one store; PostgreSQL closes what it opened.
    if (name === 'sqlite') await Promise.all([store?.close(), other?.close()])
    await b?.dispose()
  })

  test('target by issuer and by alias, resources, connections and the mapped client id, as the repositories see them', async () => {
    await store.idp.clients.create({
      clientId: 'agent',
      name: 'Agent',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      secretHash: 'sha256$x',
    })
    const app = await store.idp.applications.create({ name: 'Tasks', issuer: 'https://as.example', aliases: ['tasks'] })
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.example/b', scopes: ['read', 'write'] })
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.example/a', scopes: ['read'] })
    const conn = await store.idp.connections.create({
      clientId: 'agent',
      applicationId: app.id,
      resource: 'https://mcp.example/b',
      groups: ['g1'],
      scopes: ['read'],
      maxAuthAge: 300,
      consentGrantedBy: 'admin',
    })
    expect(await store.idp.exchange.target('https://as.example', 'agent')).toMatchObject({ rasClientId: undefined })
    await store.idp.applications.setClientId(app.id, 'agent', 'agent-at-ras')

    for (const audience of ['https://as.example', 'tasks']) {
      const found = await store.idp.exchange.target(audience, 'agent')
      const { aliases: _aliases, ...application } = (await store.idp.applications.get(app.id))!
      expect(found?.application).toEqual(application)
      expect(found?.resources).toEqual(await store.idp.applications.resources(app.id))
      expect([...(found?.connections.entries() ?? [])]).toEqual([['https://mcp.example/b', conn]])
      expect(found?.rasClientId).toBe('agent-at-ras')
    }
    // Another client sees the application but none of agent's connections nor its mapping.
    const stranger = await store.idp.exchange.target('tasks', 'stranger')
    expect(stranger?.connections.size).toBe(0)
    expect(stranger?.rasClientId).toBeUndefined()
    expect(await store.idp.exchange.target('https://unknown.example', 'agent')).toBeUndefined()
    // An application without resources still resolves.
    await store.idp.applications.create({ name: 'Empty', issuer: 'https://empty.example' })
    expect((await store.idp.exchange.target('https://empty.example', 'agent'))?.resources).toEqual([])

    // Disabling on one replica is seen by the next read on the other: nothing is cached.
    expect((await other.idp.exchange.target('tasks', 'agent'))?.connections.get(conn.resource)?.enabled).toBe(true)
    await store.idp.connections.update(conn.id, { enabled: false })
    expect((await other.idp.exchange.target('tasks', 'agent'))?.connections.get(conn.resource)?.enabled).toBe(false)

    const auth = await store.idp.clients.withSecretHash('agent')
    expect(auth).toEqual({ client: await store.idp.clients.get('agent'), secretHash: 'sha256$x' })
    expect(await store.idp.clients.withSecretHash('nobody')).toBeUndefined()
  })

  test('subject: the user and their group ids; a disabled user is seen at once by another replica', async () => {
    const carol = await store.idp.users.create({ username: 'carol', email: 'c@x.example', emailVerified: true })
    expect(await other.idp.exchange.subject(carol.id)).toEqual({ user: carol, groupIds: [] })
    const g1 = await store.idp.groups.create({ name: 'one' })
    const g2 = await store.idp.groups.create({ name: 'two' })
    await store.idp.groups.addMember(g1.id, carol.id)
    await store.idp.groups.addMember(g2.id, carol.id)
    const seen = await other.idp.exchange.subject(carol.id)
    expect(seen?.groupIds.sort()).toEqual([g1.id, g2.id].sort())
    await store.idp.users.update(carol.id, { status: 'disabled' })
    expect((await other.idp.exchange.subject(carol.id))?.user.status).toBe('disabled')
    expect(await store.idp.exchange.subject('nobody')).toBeUndefined()
  })

  test('active blocks through the compiled query: each set of kinds, expiry, and a new block seen by another replica', async () => {
    const targets = { user: 'u-1', client: 'c-1', application: 'a-1' }
    expect(await other.idp.blocks.activeFor(targets, clock.now)).toEqual([])
    const block = await store.idp.blocks.create({
      kind: 'application',
      target: 'a-1',
      until: clock.now + 1000,
      createdBy: 't',
    })
    expect((await other.idp.blocks.activeFor(targets, clock.now)).map((x) => x.id)).toEqual([block.id])
    expect(await other.idp.blocks.activeFor(targets, clock.now + 1000)).toEqual([])
    expect(await other.idp.blocks.activeFor({ ...targets, user_connection: 'k:u-1' }, clock.now)).toHaveLength(1)
    expect(await other.idp.blocks.activeFor({ user: 'u-1' }, clock.now)).toEqual([])
    await store.idp.blocks.create({ kind: 'user', target: 'u-1', createdBy: 't' })
    expect(await other.idp.blocks.activeFor({ user: 'u-1' }, clock.now)).toHaveLength(1)
    expect(await other.idp.blocks.activeFor(targets, clock.now)).toHaveLength(2)
  })
})
