// createAuthServer's options and deps: checked once, TypeErrors naming the option, frozen; two servers share nothing.
import { ALLOW_ID_JAG_REPRESENTATION } from '@openxaa/protocol'
import { openStore, type Store } from '@openxaa/store'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ALLOW_LOOPBACK_CLIENT_METADATA, createAuthServer, parseOptions } from '../src/index.js'
import { KEK, tempDatabase } from './support/as.js'

const db = tempDatabase()
let store: Store
beforeAll(async () => {
  store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
})
afterAll(async () => {
  await store?.close()
  db.dispose()
})

describe('options', () => {
  test('defaults are the safe choices of section 8, and the result is frozen', () => {
    const o = parseOptions({ issuer: 'https://as.chat.example' })
    expect(o).toMatchObject({
      accessTokenLifetime: 300,
      replay: 'single-use',
      clockSkew: 30,
      idJagMaxLifetime: 900,
      requireDpop: false,
      endpoints: { token: 'https://as.chat.example/token', jwks: 'https://as.chat.example/jwks' },
      clientIdMetadataDocuments: { enabled: true, allowLoopback: false, allowPrivateNetwork: false, maxBytes: 5120 },
    })
    expect(Object.isFrozen(o)).toBe(true)
    expect(Object.isFrozen(o.endpoints)).toBe(true)
    expect(parseOptions({ issuer: 'https://as.example/tenant-1' }).endpoints.token).toBe(
      'https://as.example/tenant-1/token',
    )
    expect(
      parseOptions({ issuer: 'https://a.example', allowIdJagRepresentation: ALLOW_ID_JAG_REPRESENTATION }).replay,
    ).toBe('representation')
  })

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['issuer missing', { issuer: undefined }, /options\.issuer/],
    ['issuer with a trailing slash', { issuer: 'https://as.example/' }, /options\.issuer/],
    ['plain http issuer', { issuer: 'http://as.example' }, /options\.issuer/],
    ['issuer with a query', { issuer: 'https://as.example?x=1' }, /options\.issuer/],
    ['lifetime above 3600', { accessTokenLifetime: 7200 }, /options\.accessTokenLifetime/],
    ['lifetime not an integer', { accessTokenLifetime: '300' }, /options\.accessTokenLifetime/],
    ['ID-JAG lifetime above 900', { idJagMaxLifetime: 3600 }, /options\.idJagMaxLifetime/],
    [
      're-presentation switched on by a boolean',
      { allowIdJagRepresentation: true },
      /options\.allowIdJagRepresentation/,
    ],
    ['loopback switch by a string', { clientIdMetadataDocuments: { allowLoopback: 'yes' } }, /allowLoopback/],
    ['requireDpop not a boolean', { requireDpop: 1 }, /options\.requireDpop/],
  ]
  for (const [name, options, message] of bad) {
    test(`TypeError: ${name}`, () => {
      expect(() => parseOptions({ issuer: 'https://as.example', ...options } as never)).toThrow(TypeError)
      expect(() => parseOptions({ issuer: 'https://as.example', ...options } as never)).toThrow(message)
    })
  }

  test('deps are checked', () => {
    expect(() => createAuthServer({ store: {} as Store }, { issuer: 'https://as.example' })).toThrow(/deps\.store/)
    expect(() => createAuthServer({ store, clock: 5 as never }, { issuer: 'https://as.example' })).toThrow(
      /deps\.clock/,
    )
  })

  test('two servers in one process share no state; the loopback switch is per server', () => {
    const a = createAuthServer(
      { store },
      { issuer: 'https://a.example', clientIdMetadataDocuments: { allowLoopback: ALLOW_LOOPBACK_CLIENT_METADATA } },
    )
    const b = createAuthServer({ store }, { issuer: 'https://b.example' })
    expect(a.context.jwksCaches).not.toBe(b.context.jwksCaches)
    expect(a.context.options.clientIdMetadataDocuments.allowLoopback).toBe(true)
    expect(b.context.options.clientIdMetadataDocuments.allowLoopback).toBe(false)
  })

  test('an issuer with a path serves its routes and metadata under that path (RFC 8414 3.1)', async () => {
    const as = createAuthServer({ store }, { issuer: 'https://as.example/t1' })
    const doc = await as.fetch(new Request('https://as.example/.well-known/oauth-authorization-server/t1'))
    expect(((await doc.json()) as { token_endpoint: string }).token_endpoint).toBe('https://as.example/t1/token')
    expect((await as.fetch(new Request('https://as.example/t1/.well-known/openid-configuration'))).status).toBe(200)
    expect((await as.fetch(new Request('https://as.example/t1/jwks'))).status).toBe(200)
  })
})
