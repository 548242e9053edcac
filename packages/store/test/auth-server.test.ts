// The resource AS repositories (migration 0003) on every backend: constraints, hashing, races, conflicts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isStoreError, type Store } from '../src/index.js'
import { BACKENDS, type Backend, backend, TestClock } from './backends.js'

const ISS = 'https://idp.acme.example'
const JWKS = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
  ],
}

describe.each(BACKENDS)('resource AS repositories on %s', (name) => {
  let b: Backend
  let store: Store
  const clock = new TestClock()

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
    await store.authServer.organizations.create({ id: 'acme', name: 'Acme' })
    await store.authServer.organizations.create({ id: 'beta' })
  })
  afterAll(() => b?.dispose())

  test('organizations: create, conflict, list', async () => {
    const err = await store.authServer.organizations.create({ id: 'acme' }).catch((e) => e)
    expect(isStoreError(err) && err.code).toBe('ERR_STORE_CONFLICT')
    expect((await store.authServer.organizations.list()).map((o) => o.id)).toEqual(['acme', 'beta'])
    await expect(store.authServer.organizations.create({ id: 'Bad Id' })).rejects.toThrow(TypeError)
  })

  test('issuer trusts start disabled; (issuer, tenant) belongs to one organization', async () => {
    const { issuerTrusts } = store.authServer
    const a = await issuerTrusts.create({ organizationId: 'acme', issuer: ISS, tenant: 'acme', jwks: JWKS })
    expect(a).toMatchObject({ enabled: false, linkingMode: 'subject', tenant: 'acme', allowedClientIds: null })
    const dup = await issuerTrusts.create({ organizationId: 'beta', issuer: ISS, tenant: 'acme' }).catch((e) => e)
    expect(dup.code).toBe('ERR_STORE_CONFLICT')
    // An unpinned trust next to a pinned one would make tenants ambiguous.
    const unpinned = await issuerTrusts.create({ organizationId: 'beta', issuer: ISS }).catch((e) => e)
    expect(unpinned.code).toBe('ERR_STORE_CONFLICT')
    const b2 = await issuerTrusts.create({
      organizationId: 'beta',
      issuer: ISS,
      tenant: 'beta',
      allowedClientIds: ['c1'],
      linkingMode: 'email',
      emailDomains: ['Beta.example'],
    })
    expect(b2.emailDomains).toEqual(['beta.example'])
    expect((await issuerTrusts.setEnabled(a.id, true))?.enabled).toBe(true)
    expect((await issuerTrusts.findByIssuer(ISS)).map((t) => t.tenant)).toEqual(['acme', 'beta'])
    const missingOrg = await issuerTrusts
      .create({ organizationId: 'nobody', issuer: 'https://x.example' })
      .catch((e) => e)
    expect(missingOrg.code).toBe('ERR_STORE_NOT_FOUND')
    await expect(issuerTrusts.create({ organizationId: 'acme', issuer: 'http://idp.example' })).rejects.toThrow(
      TypeError,
    )
    const verified = await issuerTrusts.recordMetadataVerified(b2.id, 'https://idp.acme.example/jwks')
    expect(verified).toMatchObject({ jwksUri: 'https://idp.acme.example/jwks', metadataVerifiedAt: clock.now })
  })

  test('clients: the secret is hashed, verified in constant time, never returned', async () => {
    const { clients } = store.authServer
    const client = await clients.create({
      clientId: 'agent',
      secret: 'correct horse battery staple',
      authMethods: ['client_secret_basic', 'client_secret_post'],
    })
    expect(client).toMatchObject({ hasSecret: true, enabled: true })
    expect(JSON.stringify(client)).not.toContain('horse')
    const row = await store.db
      .selectFrom('as_client')
      .select('secret_hash')
      .where('client_id', '=', 'agent')
      .executeTakeFirst()
    expect(row?.secret_hash).toMatch(/^scrypt\$/)
    expect(await clients.verifySecret('agent', 'correct horse battery staple')).toBe(true)
    expect(await clients.verifySecret('agent', 'wrong')).toBe(false)
    expect(await clients.verifySecret('nobody', 'correct horse battery staple')).toBe(false)
    // The token endpoint's one read: the client and the verdict together.
    expect(await clients.authenticateSecret('agent', 'correct horse battery staple')).toEqual({
      client: await clients.get('agent'),
      ok: true,
    })
    expect(await clients.authenticateSecret('agent', 'wrong')).toMatchObject({
      ok: false,
      client: { clientId: 'agent' },
    })
    expect(await clients.authenticateSecret('nobody', 'correct horse battery staple')).toEqual({
      client: undefined,
      ok: false,
    })
    await expect(clients.create({ clientId: 'k', authMethods: ['private_key_jwt'] })).rejects.toThrow(/jwks/)
    await expect(
      clients.create({ clientId: 'https://c.example/x', authMethods: ['private_key_jwt'], jwks: JWKS }),
    ).rejects.toThrow(/URL/)
    const keyClient = await clients.create({ clientId: 'k', authMethods: ['private_key_jwt'], jwks: JWKS })
    expect(keyClient).toMatchObject({ hasSecret: false, jwks: JWKS })
  })

  test('accounts: link by (org, issuer, tenant, sub); a race for one identity yields one account', async () => {
    const { accounts } = store.authServer
    const key = { organizationId: 'acme', issuer: ISS, tenant: 'acme', subject: 'U1' }
    const results = await Promise.all(
      Array.from({ length: 8 }, () => accounts.create({ organizationId: 'acme', email: 'A@Acme.example', link: key })),
    )
    expect(new Set(results.map((a) => a.id)).size).toBe(1)
    expect((await accounts.findByLink(key))?.id).toBe(results[0]!.id)
    expect(await accounts.findByLink({ ...key, tenant: null })).toBeUndefined()
    expect((await accounts.findByEmail('acme', 'a@acme.example')).length).toBe(1)
    expect(await accounts.list('acme')).toHaveLength(1)
  })

  test('resources, revocations and admin API keys', async () => {
    const { resources, revocations, apiKeys } = store.authServer
    await resources.create({ uri: 'https://mcp.chat.example', scopes: ['chat.read', 'chat.write'] })
    expect((await resources.get('https://mcp.chat.example'))?.scopes).toEqual(['chat.read', 'chat.write'])
    expect(await resources.get('https://mcp.chat.example/')).toBeUndefined()
    await expect(resources.create({ uri: 'https://r.example', scopes: ['a b'] })).rejects.toThrow(TypeError)

    await revocations.revoke({ jti: 'j1', clientId: 'agent', exp: clock.now / 1000 + 60 })
    await revocations.revoke({ jti: 'j1', clientId: 'agent', exp: clock.now / 1000 + 60 })
    expect(await revocations.isRevoked('j1')).toBe(true)
    expect(await revocations.purgeExpired(clock.now + 61_000)).toBe(1)

    const { apiKey, key } = await apiKeys.create('ops')
    expect(key).toMatch(/^oxas_ak_/)
    expect((await apiKeys.verify(key))?.id).toBe(apiKey.id)
    // One character changed (never to itself: a key ending in 'A' must not make this pass by chance).
    expect(await apiKeys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined()
    await apiKeys.revoke(apiKey.id)
    expect(await apiKeys.verify(key)).toBeUndefined()
    const stored = await store.db.selectFrom('as_admin_api_key').selectAll().execute()
    expect(JSON.stringify(stored)).not.toContain(key)
  })

  test('a transaction carries the repositories: a failed audit rolls the change back', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.authServer.organizations.create({ id: 'gamma' })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await store.authServer.organizations.get('gamma')).toBeUndefined()
  })
})
