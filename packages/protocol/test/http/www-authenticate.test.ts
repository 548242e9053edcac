import { describe, expect, test } from 'vitest'
import { buildWwwAuthenticate, parseWwwAuthenticate, ResponseValidationError } from '../../src/index.js'

describe('buildWwwAuthenticate', () => {
  test('MCP 401 challenge (spec 6, server step 3)', () => {
    expect(
      buildWwwAuthenticate('Bearer', {
        resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
        scope: 'files:read',
      }),
    ).toBe(
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read"',
    )
  })

  test('quotes and backslashes are escaped; undefined params are left out; no params is the bare scheme', () => {
    expect(buildWwwAuthenticate('Bearer', { error_description: 'say "hi" \\ bye', realm: undefined })).toBe(
      'Bearer error_description="say \\"hi\\" \\\\ bye"',
    )
    expect(buildWwwAuthenticate('Bearer')).toBe('Bearer')
  })

  const misuse = [
    { name: 'scheme with a space', scheme: 'Bear er', params: {} },
    { name: 'empty scheme', scheme: '', params: {} },
    { name: 'parameter name with "="', scheme: 'Bearer', params: { 'a=b': 'x' } },
    { name: 'CR LF in a value (header injection)', scheme: 'Bearer', params: { error: 'x\r\nSet-Cookie: a=b' } },
    { name: 'character beyond Latin-1', scheme: 'Bearer', params: { error_description: '€' } },
    { name: 'same parameter twice in different case', scheme: 'Bearer', params: { scope: 'a', SCOPE: 'b' } },
  ]
  for (const m of misuse) {
    test(`RFC 9110 11.2 refuses ${m.name}`, () => {
      expect(() => buildWwwAuthenticate(m.scheme, m.params)).toThrow(TypeError)
    })
  }
})

describe('parseWwwAuthenticate', () => {
  test('MCP 403 insufficient_scope challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource", error_description="needs write"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          error: 'insufficient_scope',
          scope: 'files:read files:write',
          resource_metadata: 'https://mcp.example/.well-known/oauth-protected-resource',
          error_description: 'needs write',
        },
      },
    ])
  })

  test('several challenges, commas inside quoted strings, escaped quotes, token values, odd whitespace', () => {
    const header =
      ' Basic realm="a, b",charset=UTF-8 ,  DPoP algs="ES256 PS256" ,, BEARER  Realm = "x \\"y\\" \\\\z" , error=invalid_token'
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'basic', params: { realm: 'a, b', charset: 'UTF-8' } },
      { scheme: 'dpop', params: { algs: 'ES256 PS256' } },
      { scheme: 'bearer', params: { realm: 'x "y" \\z', error: 'invalid_token' } },
    ])
  })

  test('schemes without params and token68 credentials', () => {
    expect(parseWwwAuthenticate('Negotiate, NTLM abc+/def==, Bearer')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'ntlm', params: {}, token68: 'abc+/def==' },
      { scheme: 'bearer', params: {} },
    ])
  })

  test('empty quoted value and empty header', () => {
    expect(parseWwwAuthenticate('Bearer realm=""')).toEqual([{ scheme: 'bearer', params: { realm: '' } }])
    expect(parseWwwAuthenticate('')).toEqual([])
  })

  test('a parameter named __proto__ is data, not a prototype', () => {
    const [c] = parseWwwAuthenticate('Bearer __proto__="x", scope="a"')
    expect(Object.hasOwn(c!.params, '__proto__')).toBe(true)
    expect(c!.params.scope).toBe('a')
  })

  const malformed = [
    { name: 'unterminated quoted-string', header: 'Bearer realm="abc' },
    { name: 'duplicate parameter (names are case-insensitive)', header: 'Bearer scope="a", Scope="b"' },
    { name: 'parameter without value', header: 'Bearer realm=, scope="a"' },
    { name: 'parameter before any scheme', header: 'realm="x"' },
    { name: 'two bare words after a scheme', header: 'Bearer foo bar' },
    { name: 'quoted string right after the scheme', header: 'Bearer"x"' },
    { name: 'junk after a parameter', header: 'Bearer realm="a" scope="b"' },
    { name: 'control character inside quotes', header: 'Bearer realm="a\u0001"' },
    { name: 'parameter after token68', header: 'Basic abc==, realm="x"' },
    { name: 'a lone separator', header: 'Bearer realm="a"; scope="b"' },
  ]
  for (const m of malformed) {
    test(`RFC 9110 11.2 refuses ${m.name}`, () => {
      let err: unknown
      try {
        parseWwwAuthenticate(m.header)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ResponseValidationError)
      expect(err).toMatchObject({ code: 'ERR_WWW_AUTHENTICATE_MALFORMED' })
    })
  }
})

describe('WWW-Authenticate round trips', () => {
  const cases: Record<string, string>[] = [
    { realm: 'plain' },
    { error_description: 'has "quotes", commas, and \\ backslashes' },
    { scope: 'a b  c', error: 'insufficient_scope', resource_metadata: 'https://r.example/.well-known/x?y=1,2' },
    { empty: '', tab: 'a\tb', latin1: 'café' },
    { trailing: 'ends with backslash \\' },
  ]
  for (const [i, params] of cases.entries()) {
    test(`build -> parse keeps every value (case ${i + 1})`, () => {
      const header = `${buildWwwAuthenticate('Bearer', params)}, ${buildWwwAuthenticate('DPoP', { algs: 'ES256' })}`
      const [bearer, dpop] = parseWwwAuthenticate(header)
      expect(bearer).toEqual({ scheme: 'bearer', params })
      expect(dpop).toEqual({ scheme: 'dpop', params: { algs: 'ES256' } })
    })
  }
})
