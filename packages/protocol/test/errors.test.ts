import { describe, expect, test } from 'vitest'
import { ProtocolError, toOAuthErrorBody, toOAuthErrorResponse } from '../src/index.js'

describe('ProtocolError', () => {
  test('public body carries error and description, never the private detail', () => {
    const err = new ProtocolError('ERR_ID_JAG_AUDIENCE', 'the assertion is not for this server', {
      rule: '2(d).5 #17',
      detail: 'aud was the token endpoint URL',
    })
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_AUDIENCE', oauthError: 'invalid_grant', rule: '2(d).5 #17' })
    const body = toOAuthErrorBody(err)
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'the assertion is not for this server' })
    expect(JSON.stringify(body)).not.toContain('token endpoint URL')
  })

  test('invalid_client after a Basic attempt is a 401 with a matching challenge and no-store', async () => {
    const res = toOAuthErrorResponse(new ProtocolError('ERR_CLIENT_AUTH_MALFORMED', 'bad client credentials'), {
      authScheme: 'Basic',
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="token"')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'bad client credentials' })
  })

  test('extras such as max_age are public members of the body', () => {
    const err = new ProtocolError('ERR_SCOPE_INVALID', 'sign in again', {
      oauthError: 'insufficient_user_authentication',
      extra: { max_age: 300 },
    })
    expect(toOAuthErrorBody(err)).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'sign in again',
      max_age: 300,
    })
  })
})
