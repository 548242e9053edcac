import { describe, expect, test } from 'vitest'
import {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataUrls,
  ResponseValidationError,
  validateProtectedResourceMetadata,
} from '../../src/index.js'

const RESOURCE = 'https://mcp.chat.example/mcp'
const base: ProtectedResourceMetadataOptions = {
  resource: RESOURCE,
  authorizationServers: ['https://auth.chat.example'],
}

describe('buildProtectedResourceMetadata', () => {
  test('6 server step 1: resource, authorization servers, header bearer method by default', () => {
    expect(buildProtectedResourceMetadata({ ...base, scopesSupported: ['chat.read'], resourceName: 'Chat' })).toEqual({
      resource: RESOURCE,
      authorization_servers: ['https://auth.chat.example'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['chat.read'],
      resource_name: 'Chat',
    })
  })

  test('optional members when configured', () => {
    const md = buildProtectedResourceMetadata({
      ...base,
      jwksUri: 'https://mcp.chat.example/jwks',
      resourceDocumentation: 'https://docs.chat.example',
      dpopSigningAlgs: ['ES256'],
      dpopBoundAccessTokensRequired: true,
      authorizationDetailsTypesSupported: ['chat_access'],
    })
    expect(md).toMatchObject({
      jwks_uri: 'https://mcp.chat.example/jwks',
      resource_documentation: 'https://docs.chat.example',
      dpop_signing_alg_values_supported: ['ES256'],
      dpop_bound_access_tokens_required: true,
      authorization_details_types_supported: ['chat_access'],
    })
  })

  const bad: { name: string; change: Partial<ProtectedResourceMetadataOptions>; message: RegExp }[] = [
    {
      name: 'MCP offline_access in scopes_supported',
      change: { scopesSupported: ['chat.read', 'offline_access'] },
      message: /offline_access/,
    },
    { name: 'RFC 6749 3.3 scope with a space', change: { scopesSupported: ['a b'] }, message: /scopesSupported/ },
    { name: 'RFC 9728 2 resource with a fragment', change: { resource: `${RESOURCE}#x` }, message: /options.resource/ },
    {
      name: 'RFC 9728 2 resource over http',
      change: { resource: 'http://mcp.chat.example/mcp' },
      message: /options.resource/,
    },
    { name: 'MCP no authorization server', change: { authorizationServers: [] }, message: /authorizationServers/ },
    {
      name: 'RFC 8414 2 authorization server with a query',
      change: { authorizationServers: ['https://a.example?x'] },
      message: /authorizationServers\[0\]/,
    },
    {
      name: 'MCP bearer tokens in the query string',
      change: { bearerMethodsSupported: ['query' as 'header'] },
      message: /query/,
    },
  ]
  for (const b of bad) {
    test(`refuses ${b.name} with a TypeError`, () => {
      expect(() => buildProtectedResourceMetadata({ ...base, ...b.change })).toThrow(b.message)
    })
  }
})

describe('protectedResourceMetadataUrls', () => {
  test('RFC 9728 3.1: path-inserted first, then the root', () => {
    expect(protectedResourceMetadataUrls('https://mcp.example.com/public/mcp')).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp',
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ])
  })

  test('RFC 9728 3.1: no path gives the root only; a query is kept', () => {
    expect(protectedResourceMetadataUrls('https://mcp.example.com')).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ])
    expect(protectedResourceMetadataUrls('https://mcp.example.com/')).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ])
    expect(protectedResourceMetadataUrls('https://mcp.example.com/mcp?t=1')[0]).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp?t=1',
    )
    expect(protectedResourceMetadataUrls('http://127.0.0.1:3000/mcp')[0]).toBe(
      'http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp',
    )
  })

  test('refuses a resource a client must not contact', () => {
    expect(() => protectedResourceMetadataUrls('http://mcp.example.com/mcp')).toThrow(TypeError)
  })
})

describe('validateProtectedResourceMetadata', () => {
  const doc = () => ({ ...buildProtectedResourceMetadata(base) }) as Record<string, unknown>

  test('build -> validate round trip', () => {
    expect(validateProtectedResourceMetadata(doc(), RESOURCE)).toEqual(buildProtectedResourceMetadata(base))
  })

  const defects: { name: string; json: unknown; code: string }[] = [
    {
      name: 'RFC 9728 3.3 resource of another server',
      json: { ...doc(), resource: 'https://evil.example/mcp' },
      code: 'ERR_METADATA_RESOURCE',
    },
    {
      name: 'RFC 9728 3.3 resource differs by a trailing slash',
      json: { ...doc(), resource: `${RESOURCE}/` },
      code: 'ERR_METADATA_RESOURCE',
    },
    {
      name: 'MCP authorization_servers missing',
      json: { ...doc(), authorization_servers: undefined },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'MCP authorization_servers empty',
      json: { ...doc(), authorization_servers: [] },
      code: 'ERR_METADATA_INVALID',
    },
    {
      name: 'authorization server over http',
      json: { ...doc(), authorization_servers: ['http://auth.example'] },
      code: 'ERR_METADATA_INVALID',
    },
    { name: 'scopes_supported is a string', json: { ...doc(), scopes_supported: 'a b' }, code: 'ERR_METADATA_INVALID' },
    { name: 'resource_name is a number', json: { ...doc(), resource_name: 7 }, code: 'ERR_METADATA_INVALID' },
    { name: 'not an object', json: 'x', code: 'ERR_METADATA_INVALID' },
  ]
  for (const d of defects) {
    test(`client refuses: ${d.name}`, () => {
      let err: unknown
      try {
        validateProtectedResourceMetadata(d.json, RESOURCE)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ResponseValidationError)
      expect(err).toMatchObject({ code: d.code })
    })
  }
})
