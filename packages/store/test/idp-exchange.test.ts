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

  test('rows: everything of one exchange in one read, exactly as the repositories read it, fresh on every call', async () => {
    await store.keys.ensure('idp')
    await store.idp.clients.create({
      clientId: 'rows-agent',
      name: 'Rows',
      tokenEndpointAuthMethod: 'client_secret_post',
      grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      secretHash: 'sha256$y',
    })
    const dave = await store.idp.users.create({ username: 'dave', email: 'd@x.example' })
    const g = await store.idp.groups.create({ name: 'rows-group' })
    await store.idp.groups.addMember(g.id, dave.id)
    const app = await store.idp.applications.create({ name: 'Rows', issuer: 'https://rows.example', aliases: ['rows'] })
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.rows/a', scopes: ['read'] })
    await store.idp.applications.putResource(app.id, { uri: 'https://mcp.rows/b', scopes: ['read'] })
    const conn = await store.idp.connections.create({
      clientId: 'rows-agent',
      applicationId: app.id,
      resource: 'https://mcp.rows/a',
      groups: [g.id],
      scopes: ['read'],
      consentGrantedBy: 'admin',
    })
    const key = { clientId: 'rows-agent', userId: dave.id, audience: 'rows', keyPurpose: 'idp', now: clock.now }
    const rows = await other.idp.exchange.rows(key)
    expect(rows.client).toEqual(await store.idp.clients.withSecretHash('rows-agent'))
    expect(rows.subject).toEqual(await store.idp.exchange.subject(dave.id))
    expect(rows.target).toEqual(await store.idp.exchange.target('rows', 'rows-agent'))
    expect(rows.covers('rows-agent', dave.id, 'rows')).toBe(true)
    expect(rows.covers('rows-agent', dave.id, 'https://rows.example')).toBe(false)
    expect(rows.covers('rows-agent', 'someone-else', 'rows')).toBe(false)
    expect(rows.block('https://mcp.rows/a')).toBeUndefined()
    expect(rows.block('https://mcp.rows/elsewhere')).toBeNull()
    const signing = await rows.signingKey()
    const current = await store.keys.current('idp')
    expect({ ...signing, privateKey: undefined }).toEqual({ ...current, privateKey: undefined })
    expect(signing?.privateKey.export({ format: 'jwk' })).toEqual(current.privateKey.export({ format: 'jwk' }))

    // Blocks: each kind, per resource (a user's own revocation names one connection), and their expiry.
    const own = await store.idp.blocks.create({
      kind: 'user_connection',
      target: `${conn.id}:${dave.id}`,
      createdBy: 't',
    })
    let seen = await other.idp.exchange.rows(key)
    expect(seen.block('https://mcp.rows/a')).toEqual({ id: own.id, kind: 'user_connection' })
    expect(seen.block('https://mcp.rows/b')).toBeUndefined()
    await store.idp.blocks.delete(own.id)
    for (const [kind, target] of [
      ['user', dave.id],
      ['client', 'rows-agent'],
      ['application', app.id],
    ] as const) {
      const block = await store.idp.blocks.create({ kind, target, until: clock.now + 1000, createdBy: 't' })
      seen = await other.idp.exchange.rows(key)
      expect(seen.block('https://mcp.rows/a')).toEqual({ id: block.id, kind })
      expect(seen.block('https://mcp.rows/b')).toEqual({ id: block.id, kind })
      expect((await other.idp.exchange.rows({ ...key, now: clock.now + 1000 })).block('https://mcp.rows/a')).toBe(
        undefined,
      )
      await store.idp.blocks.delete(block.id)
    }

    // Changes on one replica are in the other's next read: user, group, connection, client, signing key.
    await store.idp.users.update(dave.id, { status: 'disabled' })
    await store.idp.groups.removeMember(g.id, dave.id)
    await store.idp.connections.update(conn.id, { enabled: false })
    await store.idp.clients.update('rows-agent', { enabled: false })
    // A rotation publishes the next key ahead of its first signature: the joined read keeps the signing key until the
    // next one's activation time, as keys.current does; an emergency rotation switches at once.
    const signingNow = (await store.keys.current('idp', key.now)).kid
    const next = await store.keys.rotate('idp', { activateAfterSeconds: 60, retireAfterSeconds: 0 })
    expect((await (await other.idp.exchange.rows(key)).signingKey())?.kid).toBe(signingNow)
    const activated = await other.idp.exchange.rows({ ...key, now: next.activateAt })
    expect((await activated.signingKey())?.kid).toBe(next.kid)
    const rotated = await store.keys.rotate('idp', { activateAfterSeconds: 0, retireAfterSeconds: 0 })
    seen = await other.idp.exchange.rows(key)
    expect(seen.subject).toEqual({
      user: { ...(await store.idp.users.get(dave.id)), status: 'disabled' },
      groupIds: [],
    })
    expect(seen.target?.connections.get('https://mcp.rows/a')?.enabled).toBe(false)
    expect(seen.client?.client.enabled).toBe(false)
    expect((await seen.signingKey())?.kid).toBe(rotated.kid)

    // What was not named, or does not exist, is not read.
    const bare = await other.idp.exchange.rows({ clientId: 'rows-agent', keyPurpose: 'idp' })
    expect(bare.subject).toBeUndefined()
    expect(bare.target).toBeUndefined()
    expect(bare.covers('rows-agent', dave.id, 'rows')).toBe(false)
    const unknown = await other.idp.exchange.rows({ ...key, audience: 'https://unknown.example', userId: 'nobody' })
    expect(unknown.target).toBeUndefined()
    expect(unknown.subject).toBeUndefined()
    const empty = await store.idp.applications.create({ name: 'Bare', issuer: 'https://bare.rows.example' })
    expect((await other.idp.exchange.rows({ ...key, audience: empty.issuer })).target?.resources).toEqual([])
    const none = await other.idp.exchange.rows({ ...key, clientId: 'nobody' })
    expect(none.client).toBeUndefined()
    expect(none.covers('nobody', dave.id, 'rows')).toBe(false)
    expect(none.signingKey()).toBeUndefined()
    expect((await other.idp.exchange.rows({ ...key, keyPurpose: 'as' })).signingKey()).toBeUndefined()
  })
})
