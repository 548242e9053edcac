// The redemption read (one query for client, trusts, linked accounts, resource) answers exactly what the
// repositories' own reads answer, on every backend, and sees another instance's change at once (no cache).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Store } from '../src/index.js'
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
const SECRET = 'a-secret-of-the-client-0123456789'
const RESOURCE = 'https://mcp.acme.example/mcp'

describe.each(BACKENDS)('redemption rows on %s', (name) => {
  let b: Backend
  let store: Store
  let replica: Store
  const clock = new TestClock()
  let trustA: string
  let accountId: string

  beforeAll(async () => {
    b = await backend(name)
    store = await b.open({ clock: clock.fn })
    replica = await b.open({ clock: clock.fn })
    const as = store.authServer
    await as.organizations.create({ id: 'acme' })
    await as.organizations.create({ id: 'beta' })
    trustA = (await as.issuerTrusts.create({ organizationId: 'acme', issuer: ISS, tenant: 'acme', jwks: JWKS })).id
    await as.issuerTrusts.create({ organizationId: 'beta', issuer: ISS, tenant: 'beta', jwks: JWKS })
    await as.issuerTrusts.setEnabled(trustA, true)
    await as.clients.create({
      clientId: 'agent',
      organizationId: 'acme',
      authMethods: ['client_secret_basic'],
      secret: SECRET,
    })
    await as.resources.create({ uri: RESOURCE, scopes: ['read', 'write'] })
    const link = { organizationId: 'acme', issuer: ISS, tenant: 'acme', subject: 'alice' }
    accountId = (await as.accounts.create({ organizationId: 'acme', email: null, link })).id
  })
  afterAll(async () => {
    await replica?.close()
    await store?.close()
    await b?.dispose()
  })

  test('the same rows as the repositories, in one read', async () => {
    const as = store.authServer
    const rows = await as.redemptionRows.read({ clientId: 'agent', issuer: ISS, subject: 'alice', resource: RESOURCE })
    expect(rows.client).toEqual(await as.clients.get('agent'))
    expect(rows.trusts(ISS)).toEqual(await as.issuerTrusts.findByIssuer(ISS))
    expect(rows.resource(RESOURCE)).toEqual(await as.resources.get(RESOURCE))
    const [acme, beta] = rows.trusts(ISS)!
    expect(rows.linkedAccount(acme!, 'alice')).toEqual(
      await as.accounts.findByLink({ organizationId: 'acme', issuer: ISS, tenant: 'acme', subject: 'alice' }),
    )
    expect(rows.linkedAccount(acme!, 'alice')?.id).toBe(accountId)
    expect(rows.linkedAccount(beta!, 'alice')).toBeUndefined()
    expect(await rows.checkSecret(SECRET)).toBe(true)
    expect(await rows.checkSecret(`${SECRET}x`)).toBe(false)
  })

  test('a key other than the one read answers "not read", never a row of another key', async () => {
    const as = store.authServer
    const rows = await as.redemptionRows.read({ clientId: 'agent', issuer: ISS, subject: 'alice', resource: RESOURCE })
    expect(rows.trusts('https://other.example')).toBeUndefined()
    expect(rows.resource('https://mcp.other.example/mcp')).toBeNull()
    const [acme] = rows.trusts(ISS)!
    expect(rows.linkedAccount(acme!, 'bob')).toBeNull()
    const none = await as.redemptionRows.read({ clientId: 'agent' })
    expect(none.client?.clientId).toBe('agent')
    expect(none.trusts(ISS)).toBeUndefined()
    expect(none.resource(RESOURCE)).toBeNull()
    const unknownThings = await as.redemptionRows.read({
      clientId: 'agent',
      issuer: 'https://nobody.example',
      subject: 'x',
      resource: 'https://nothing.example/mcp',
    })
    expect(unknownThings.trusts('https://nobody.example')).toEqual([])
    expect(unknownThings.resource('https://nothing.example/mcp')).toBeUndefined()
  })

  test('an unknown client: nothing read, the secret check still answers false', async () => {
    const rows = await store.authServer.redemptionRows.read({ clientId: 'nobody', issuer: ISS, resource: RESOURCE })
    expect(rows.client).toBeUndefined()
    expect(rows.trusts(ISS)).toBeUndefined()
    expect(rows.resource(RESOURCE)).toBeNull()
    expect(await rows.checkSecret(SECRET)).toBe(false)
  })

  test('a client or trust disabled through one instance is read disabled by the other at once', async () => {
    const key = { clientId: 'agent', issuer: ISS, subject: 'alice', resource: RESOURCE }
    expect((await replica.authServer.redemptionRows.read(key)).client?.enabled).toBe(true)
    await store.authServer.clients.setEnabled('agent', false)
    await store.authServer.issuerTrusts.setEnabled(trustA, false)
    const after = await replica.authServer.redemptionRows.read(key)
    expect(after.client?.enabled).toBe(false)
    expect(after.trusts(ISS)?.find((t) => t.id === trustA)?.enabled).toBe(false)
    await store.authServer.clients.setEnabled('agent', true)
    await store.authServer.issuerTrusts.setEnabled(trustA, true)
    expect((await replica.authServer.redemptionRows.read(key)).client?.enabled).toBe(true)
  })
})
