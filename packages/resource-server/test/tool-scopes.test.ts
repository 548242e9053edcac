// Which scopes an MCP JSON-RPC message needs, and the public surface of the package.
import { describe, expect, test } from 'vitest'
import * as api from '../src/index.js'
import { checkToolScopes, scopesForMcpMessage } from '../src/index.js'

const scopes = checkToolScopes({
  'notes.create': ['notes.write'],
  'notes.list': ['notes.read'],
  'audit.export': ['audit.read', 'notes.read'],
})
const call = (name: unknown, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } })

describe('scopesForMcpMessage', () => {
  test('a tools/call needs its tool scopes', () => {
    expect(scopesForMcpMessage(call('notes.create'), scopes)).toEqual(['notes.write'])
  })
  test('a batch needs the union of its calls, each scope once', () => {
    expect(scopesForMcpMessage([call('notes.list'), call('audit.export', 2), call('notes.create', 3)], scopes)).toEqual(
      ['notes.read', 'audit.read', 'notes.write'],
    )
  })
  test('other methods, unknown tools, prototype names and garbage need nothing here', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      call('notes.unknown'),
      call('constructor'),
      call('__proto__'),
      call(42),
      { jsonrpc: '2.0', id: 1, method: 'tools/call' },
      'not json-rpc',
      null,
    ]) {
      expect(scopesForMcpMessage(message, scopes)).toEqual([])
    }
  })
  test('checkToolScopes refuses what is not one scope token per entry', () => {
    expect(() => checkToolScopes({ t: ['a b'] })).toThrow(/toolScopes\["t"\] has an invalid scope/)
    expect(() => checkToolScopes({ t: 'a' as unknown as string[] })).toThrow(TypeError)
    expect(Object.isFrozen(scopes)).toBe(true)
  })
})

test('public surface: named exports only, internals absent', () => {
  expect(Object.keys(api).sort()).toEqual([
    'INTROSPECTION_DEFAULT_CACHE_TTL',
    'INTROSPECTION_MAX_CACHE_TTL',
    'assertScopes',
    'authContextOf',
    'authenticateMcpRequest',
    'bearerPartsOf',
    'checkToolScopes',
    'createResourceServer',
    'extractBearerToken',
    'requireToolScopes',
    'requiredScopesOf',
    'scopesForMcpMessage',
    'toMcpAuthInfo',
  ])
})
