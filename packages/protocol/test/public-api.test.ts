import { expect, test } from 'vitest'
import * as api from '../src/index.js'

test('the request/response, metadata and DPoP surface is exported by name, internals are not', () => {
  const expected = [
    'parseForm',
    'readForm',
    'assertFormContentType',
    'OAuthForm',
    'buildWwwAuthenticate',
    'parseWwwAuthenticate',
    'parseClientAuthentication',
    'parseBasicAuthorization',
    'buildBasicAuthorization',
    'verifyClientAssertion',
    'parseTokenExchangeRequest',
    'buildTokenExchangeRequest',
    'buildTokenExchangeResponse',
    'tokenExchangeResponse',
    'processTokenExchangeResponse',
    'parseAuthorizationDetails',
    'parseJwtBearerRequest',
    'buildJwtBearerRequest',
    'buildAccessTokenResponse',
    'accessTokenResponse',
    'processAccessTokenResponse',
    'buildAuthorizationServerMetadata',
    'buildIdpMetadataAdditions',
    'assertIssuerIdentifier',
    'authorizationServerMetadataUrls',
    'validateAuthorizationServerMetadata',
    'buildProtectedResourceMetadata',
    'protectedResourceMetadataUrls',
    'validateProtectedResourceMetadata',
    'verifyDpopProof',
    'createDpopProof',
    'dpopAccessTokenHash',
    'publicJwk',
    'ResponseValidationError',
  ]
  for (const name of expected) expect(typeof (api as Record<string, unknown>)[name], name).toBe('function')
  for (const internal of ['formDecode', 'formEncode', 'splitScope', 'parseResources', 'httpsUrlProblem']) {
    expect(api).not.toHaveProperty(internal)
  }
})

test('every new error code maps to the OAuth error the specs name', () => {
  expect(api.PROTOCOL_ERROR_CODES).toMatchObject({
    ERR_FORM_TOO_MANY_PARAMETERS: 'invalid_request',
    ERR_CLIENT_ID_MISMATCH: 'invalid_request',
    ERR_CLIENT_AUTH_MULTIPLE: 'invalid_request',
    ERR_CLIENT_ASSERTION: 'invalid_client',
    ERR_RESOURCE_INVALID: 'invalid_target',
    ERR_DPOP_NONCE: 'use_dpop_nonce',
  })
})
