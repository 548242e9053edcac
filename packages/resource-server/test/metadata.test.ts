// RFC 9728 metadata at both well-known locations, and options checked once with TypeErrors naming the option.
import { validateProtectedResourceMetadata } from '@openxaa/protocol'
import { describe, expect, test } from 'vitest'
import { createResourceServer, type ResourceServerOptions } from '../src/index.js'
import { ISSUER, key, RESOURCE, resourceServer } from './support/fixtures.js'

const rs = resourceServer()
const DOCUMENT = {
  resource: RESOURCE,
  authorization_servers: [ISSUER],
  scopes_supported: ['notes.read', 'notes.write'],
  bearer_methods_supported: ['header'],
  resource_name: 'Notes',
}

describe('RFC 9728 protected resource metadata', () => {
  for (const url of [
    'https://notes.example/.well-known/oauth-protected-resource/mcp',
    'https://notes.example/.well-known/oauth-protected-resource',
  ]) {
    test(`GET ${new URL(url).pathname}: the document, resource equal to the identifier`, async () => {
      const res = rs.metadataResponse(new Request(url))!
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      const json = await res.json()
      expect(json).toEqual(DOCUMENT)
      expect(validateProtectedResourceMetadata(json, RESOURCE)).toEqual(DOCUMENT)
    })
  }

  test('challenges advertise the path-inserted URL; both paths are known', () => {
    expect(rs.resourceMetadataUrl).toBe('https://notes.example/.well-known/oauth-protected-resource/mcp')
    expect(rs.metadataPaths).toEqual([
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ])
    expect(rs.protectedResourceMetadata()).toEqual(DOCUMENT)
    expect(Object.isFrozen(rs.protectedResourceMetadata())).toBe(true)
  })

  test('HEAD has no body, OPTIONS is a CORS preflight, POST is 405, other paths are not answered', async () => {
    const url = 'https://notes.example/.well-known/oauth-protected-resource/mcp'
    const head = rs.metadataResponse(new Request(url, { method: 'HEAD' }))!
    expect([head.status, await head.text()]).toEqual([200, ''])
    expect(rs.metadataResponse(new Request(url, { method: 'OPTIONS' }))?.status).toBe(204)
    const post = rs.metadataResponse(new Request(url, { method: 'POST', body: '' }))!
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS'])
    expect(rs.metadataResponse(new Request('https://notes.example/.well-known/oauth-protected-resource/other'))).toBe(
      undefined,
    )
    expect(rs.metadataResponse(new Request(RESOURCE))).toBe(undefined)
  })

  test('a resource without a path is served at the root well-known URI only', () => {
    const bare = createResourceServer({ ...base(), resource: 'https://mcp.example' })
    expect(bare.metadataPaths).toEqual(['/.well-known/oauth-protected-resource'])
    expect(bare.resourceMetadataUrl).toBe('https://mcp.example/.well-known/oauth-protected-resource')
  })
})

function base(): ResourceServerOptions {
  return {
    resource: RESOURCE,
    authorizationServers: [ISSUER],
    scopesSupported: ['notes.read'],
    verifier: { type: 'jwt', issuer: ISSUER, keys: { keys: [key.publicJwk] } },
  }
}

describe('options are checked once, frozen, with TypeErrors naming the option', () => {
  const bad: [string, (o: ResourceServerOptions) => unknown, RegExp][] = [
    [
      'resource over plain http',
      (o) => Object.assign(o, { resource: 'http://notes.example/mcp' }),
      /options\.resource must use https/,
    ],
    [
      'resource with a fragment',
      (o) => Object.assign(o, { resource: `${RESOURCE}#x` }),
      /options\.resource must not have a fragment/,
    ],
    [
      'no authorization server',
      (o) => Object.assign(o, { authorizationServers: [] }),
      /options\.authorizationServers must list/,
    ],
    [
      'issuer with a trailing slash',
      (o) => Object.assign(o, { authorizationServers: [`${ISSUER}/`] }),
      /authorizationServers\[0\] must not end with "\/"/,
    ],
    ['offline_access in scopes', (o) => Object.assign(o, { scopesSupported: ['offline_access'] }), /offline_access/],
    ['malformed scope', (o) => Object.assign(o, { scopesSupported: ['a b'] }), /scope/],
    [
      'verifier issuer not listed',
      (o) => Object.assign(o.verifier, { issuer: 'https://other.example' }),
      /options\.verifier\.issuer must be one of/,
    ],
    [
      'jwksUri and keys',
      (o) => Object.assign(o.verifier, { jwksUri: `${ISSUER}/jwks` }),
      /options\.verifier takes jwksUri or keys/,
    ],
    [
      'HMAC algorithm',
      (o) => Object.assign(o.verifier, { algorithms: ['HS256'] }),
      /options\.verifier\.algorithms has "HS256"/,
    ],
    ['unknown verifier type', (o) => Object.assign(o, { verifier: { type: 'magic' } }), /options\.verifier\.type/],
    [
      'introspection cache longer than 5 minutes',
      (o) =>
        Object.assign(o, {
          verifier: {
            type: 'introspection',
            endpoint: `${ISSUER}/introspect`,
            clientId: 'rs',
            clientSecret: 's',
            cacheTtl: 600_000,
          },
        }),
      /options\.verifier\.cacheTtl must be at most 300000/,
    ],
    [
      'introspection without a secret',
      (o) =>
        Object.assign(o, { verifier: { type: 'introspection', endpoint: `${ISSUER}/introspect`, clientId: 'rs' } }),
      /options\.verifier\.clientSecret must be a non-empty string/,
    ],
    ['clock not a function', (o) => Object.assign(o, { clock: 5 }), /options\.clock must be a function/],
  ]
  for (const [name, change, message] of bad) {
    test(name, () => {
      const options = structuredClone(base())
      change(options)
      expect(() => createResourceServer(options)).toThrow(TypeError)
      expect(() => createResourceServer(options)).toThrow(message)
    })
  }

  test('resolved options are frozen copies', () => {
    const options = base()
    const built = createResourceServer(options)
    ;(options.authorizationServers as string[]).push('https://late.example')
    expect(built.options.authorizationServers).toEqual([ISSUER])
    expect(Object.isFrozen(built.options)).toBe(true)
    expect(Object.isFrozen(built.options.verifier)).toBe(true)
    expect(Object.isFrozen(built.options.authorizationServers)).toBe(true)
    expect(built.options.verifier).toMatchObject({ clockSkew: 30, algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'] })
  })
})
