// Client authentication: the method chosen from the server's metadata (decision 6), private_key_jwt assertions a
// server accepts, and the credentials of one AS looked up by its exact issuer (CIMD included).

import { type AuthorizationServerMetadata, staticKeySource, verifyClientAssertion } from '@openxaa/protocol'
import { describe, expect, test } from 'vitest'
import { authenticationAt } from '../src/access/credentials.js'
import { applyClientAuthentication, selectClientAuthentication } from '../src/client-authentication/apply.js'
import { resolveOptions } from '../src/options.js'
import { createTestKey } from './fixtures/support.js'

describe('selectClientAuthentication', () => {
  const secret = { clientId: 'c', clientSecret: 's' }
  const cases = [
    ['basic when listed', secret, ['client_secret_post', 'client_secret_basic'], 'client_secret_basic'],
    ['post when only post is listed', secret, ['client_secret_post'], 'client_secret_post'],
    ['basic when the server says nothing (RFC 8414 default)', secret, undefined, 'client_secret_basic'],
    ['a pinned method that is listed', { ...secret, method: 'client_secret_post' }, undefined, 'client_secret_post'],
    ['none for a client without credentials', { clientId: 'c' }, ['none'], 'none'],
  ] as const
  for (const [name, creds, supported, method] of cases) {
    test(name, () => {
      expect(selectClientAuthentication(creds, supported, 'the AS').method).toBe(method)
    })
  }

  test('a pinned method the server does not list is refused, not tried', () => {
    expect(() =>
      selectClientAuthentication({ ...secret, method: 'client_secret_post' }, ['client_secret_basic'], 'the AS'),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }))
  })
})

test('private_key_jwt: the assertion passes protocol verifyClientAssertion at the server', async () => {
  const key = await createTestKey('client-key')
  const auth = selectClientAuthentication(
    { clientId: 'agent', privateKey: key.signing },
    ['private_key_jwt'],
    'the IdP',
  )
  const body = new URLSearchParams()
  const now = Math.floor(Date.now() / 1000)
  await applyClientAuthentication(auth, body, new Headers(), 'https://idp.example', now)
  expect(body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
  const verified = await verifyClientAssertion(body.get('client_assertion')!, {
    clientId: 'agent',
    keys: staticKeySource(key.jwks),
    audiences: ['https://idp.example', 'https://idp.example/token'],
    now: new Date(now * 1000),
  })
  expect(verified).toBeDefined()
})

describe('[#33] authenticationAt: credentials by exact AS issuer', () => {
  const metadata = (issuer: string, extra: Partial<AuthorizationServerMetadata> = {}) =>
    ({
      issuer,
      token_endpoint: `${issuer}/token`,
      response_types_supported: ['code'],
      ...extra,
    }) as AuthorizationServerMetadata
  const options = resolveOptions({
    idp: { issuer: 'https://idp.example', clientId: 'agent' },
    authorizationServers: { 'https://as-a.example': { clientId: 'at-a', clientSecret: 'secret-a' } },
    clientIdMetadataDocument: 'https://agent.example/client.json',
  })

  test('the registration of that issuer', () => {
    expect(authenticationAt(options, metadata('https://as-a.example'))).toMatchObject({ clientId: 'at-a' })
  })

  test('never the registration of a look-alike issuer (trailing slash, other host)', () => {
    for (const issuer of ['https://as-a.example/', 'https://as-a.example.evil']) {
      expect(() => authenticationAt(options, metadata(issuer))).toThrow(
        expect.objectContaining({ code: 'ERR_NO_AS_CREDENTIALS' }),
      )
    }
  })

  test('the CIMD URL as client_id at an AS that supports CIMD', () => {
    const auth = authenticationAt(
      options,
      metadata('https://as-b.example', {
        client_id_metadata_document_supported: true,
        token_endpoint_auth_methods_supported: ['none'],
      }),
    )
    expect(auth).toEqual({ method: 'none', clientId: 'https://agent.example/client.json' })
  })
})
