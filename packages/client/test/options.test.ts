// Options are checked once, when the client is built: a TypeError names the path (style.md section 6).

import { describe, expect, test } from 'vitest'
import { createXaaClient, MemoryTokenStore, type XaaClientOptions } from '../src/index.js'

const idp = { issuer: 'https://idp.example', clientId: 'agent' }
const build = (options: unknown) => () =>
  createXaaClient(options as XaaClientOptions, { store: new MemoryTokenStore() })

describe('createXaaClient options', () => {
  const bad = [
    [{}, 'options.idp is required'],
    [{ idp: { ...idp, issuer: 'http://idp.example' } }, 'options.idp.issuer'],
    [{ idp: { ...idp, issuer: 'https://idp.example?x=1' } }, 'options.idp.issuer'],
    [{ idp: { ...idp, clientId: '' } }, 'options.idp.clientId'],
    [{ idp: { ...idp, scopes: ['email'] } }, 'options.idp.scopes must include openid'],
    [{ idp: { ...idp, auth: { clientSecret: '' } } }, 'options.idp.auth.clientSecret'],
    [{ idp: { ...idp, auth: { clientSecret: 's', method: 'private_key_jwt' } } }, 'options.idp.auth.method'],
    [{ idp, authorizationServers: { 'not a url': { clientId: 'c' } } }, 'options.authorizationServers["not a url"]'],
    [{ idp, authorizationServers: { 'https://as.example': { clientId: '' } } }, '.clientId must be a non-empty string'],
    [
      { idp, authorizationServers: { 'https://as.example': { clientIdMetadataDocument: 'https://c.example' } } },
      'with a path',
    ],
    [{ idp, maxStepUps: 9 }, 'options.maxStepUps'],
    [{ idp, accessTokenMargin: -1 }, 'options.accessTokenMargin'],
  ] as const
  for (const [options, message] of bad) {
    test(`refuses: ${message}`, () => {
      expect(build(options)).toThrow(TypeError)
      expect(build(options)).toThrow(message)
    })
  }

  test('resolved options are frozen and defaulted', () => {
    const xaa = createXaaClient({ idp }, { store: new MemoryTokenStore() })
    expect(Object.isFrozen(xaa.options)).toBe(true)
    expect(xaa.options).toMatchObject({
      maxStepUps: 2,
      accessTokenMargin: 60,
      idp: { scopes: ['openid', 'offline_access'] },
    })
  })

  test('http issuers are accepted on loopback only', () => {
    expect(build({ idp: { ...idp, issuer: 'http://127.0.0.1:8080' } })).not.toThrow()
    expect(build({ idp: { ...idp, issuer: 'http://localhost:8080' } })).not.toThrow()
  })
})
