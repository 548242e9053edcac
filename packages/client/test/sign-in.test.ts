// Sign-in at the IdP: device grant, the browser flow's response checks (state, RFC 9207 iss), and every rule of
// ID token validation (OIDC Core 3.1.3.7) as an attack.

import { staticKeySource } from '@openxaa/protocol'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateIdToken } from '../src/idp/id-token.js'
import { startLoopbackListener } from '../src/idp/loopback.js'
import { XaaError } from '../src/index.js'
import { createTestKey } from './fixtures/support.js'
import { startWorld, type World } from './fixtures/world.js'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

describe('device authorization grant (RFC 8628)', () => {
  test('the user approves the code: signed in, with a refresh token', async () => {
    const xaa = world.client()
    const prompts: string[] = []
    const identity = await xaa.signIn({
      method: 'device',
      onUserCode: (prompt) => {
        prompts.push(prompt.verificationUri)
        world.idp.approveDevice(prompt.userCode)
      },
    })
    expect(prompts).toEqual([`${world.idp.issuer}/activate`])
    expect(identity).toMatchObject({ subject: 'u-alice', renewable: true })
  })

  test('the user denies: ERR_ACCESS_DENIED', async () => {
    const xaa = world.client()
    const error = await xaa
      .signIn({ method: 'device', onUserCode: (p) => world.idp.approveDevice(p.userCode, true) })
      .catch((e) => e)
    expect(error).toMatchObject({ code: 'ERR_ACCESS_DENIED', oauthError: 'access_denied', kind: 'policy' })
  })
})

describe('browser sign-in response checks', () => {
  // Follows the authorize URL by hand so the test can tamper with the redirect back to the loopback listener.
  const tamperingBrowser = (change: (callback: URL) => void) => async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' })
    const callback = new URL(response.headers.get('location')!)
    change(callback)
    await (await fetch(callback)).text()
  }

  test('RFC 9207: an authorization response whose iss is another server is refused', async () => {
    const xaa = world.client(
      {},
      { openBrowser: tamperingBrowser((u) => u.searchParams.set('iss', 'https://evil.example')) },
    )
    await expect(xaa.signIn()).rejects.toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
  })

  test('RFC 9207: iss missing although the IdP says it sends it', async () => {
    const xaa = world.client({}, { openBrowser: tamperingBrowser((u) => u.searchParams.delete('iss')) })
    await expect(xaa.signIn()).rejects.toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
  })

  test('RFC 6749 10.12: a callback with another state is ignored (400) and the real one still completes', async () => {
    const listener = await startLoopbackListener('the-state')
    const wrong = await fetch(`${listener.redirectUri}?state=other&code=x`)
    expect(wrong.status).toBe(400)
    const pending = listener.callback(5000)
    await fetch(`${listener.redirectUri}?state=the-state&code=abc`)
    expect((await pending).get('code')).toBe('abc')
    await listener.close()
  })

  test('the loopback listener binds 127.0.0.1 and serves only /callback', async () => {
    const listener = await startLoopbackListener('s')
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect((await fetch(listener.redirectUri.replace('/callback', '/other'))).status).toBe(404)
    await listener.close()
  })

  test('a disabled user is refused at the authorize endpoint: ERR_ACCESS_DENIED', async () => {
    world.idp.users.get('u-alice')!.disabled = true
    try {
      await expect(world.client().signIn()).rejects.toMatchObject({
        code: 'ERR_ACCESS_DENIED',
        oauthError: 'access_denied',
      })
    } finally {
      world.idp.users.get('u-alice')!.disabled = false
    }
  })
})

describe('OIDC Core 3.1.3.7: ID token validation', async () => {
  const issuer = 'https://idp.example'
  const clientId = 'agent'
  const now = 1_800_000_000
  const key = await createTestKey('k1')
  const other = await createTestKey('k1')
  const keys = staticKeySource(key.jwks)
  const make = async (
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    signing = key.signing.privateKey,
  ) =>
    new SignJWT({ iss: issuer, sub: 'u1', aud: clientId, iat: now, exp: now + 600, nonce: 'n1', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT', ...header })
      .sign(signing)

  test('a valid ID token passes', async () => {
    const claims = await validateIdToken(await make(), { issuer, clientId, keys, nowSeconds: now, nonce: 'n1' })
    expect(claims.sub).toBe('u1')
  })

  const attacks = [
    { name: '#2 iss of another IdP', claims: { iss: 'https://other.example' } },
    { name: '#3 aud is another client', claims: { aud: 'someone-else' } },
    { name: '#4 several audiences without azp', claims: { aud: [clientId, 'other'] } },
    { name: '#5 azp is another client', claims: { azp: 'other' } },
    { name: '#9 expired', claims: { exp: now - 100 } },
    { name: '#11 nonce does not match', claims: { nonce: 'n2' } },
    { name: '#11 nonce missing', claims: { nonce: undefined } },
    { name: 'RFC 8725 3.11 an ID-JAG is not an ID token', header: { typ: 'oauth-id-jag+jwt' } },
    { name: 'RFC 8725 3.11 an access token is not an ID token', header: { typ: 'at+jwt' } },
    { name: '#6 signed by a key the IdP does not publish', other: true },
  ] as const
  for (const attack of attacks) {
    test(attack.name, async () => {
      const token = await make(
        'claims' in attack ? attack.claims : {},
        'header' in attack ? attack.header : {},
        'other' in attack ? other.signing.privateKey : key.signing.privateKey,
      )
      const error = await validateIdToken(token, { issuer, clientId, keys, nowSeconds: now, nonce: 'n1' }).catch(
        (e) => e,
      )
      expect(error).toBeInstanceOf(XaaError)
      expect(error).toMatchObject({ code: 'ERR_ID_TOKEN_INVALID', kind: 'sign-in' })
      expect(error.message).not.toContain(token)
    })
  }

  test('#7 alg HS256 (a MAC over the public key) is refused', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32))
    const token = await new SignJWT({ iss: issuer, sub: 'u1', aud: clientId, iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(secret)
    await expect(validateIdToken(token, { issuer, clientId, keys, nowSeconds: now })).rejects.toMatchObject({
      code: 'ERR_ID_TOKEN_INVALID',
    })
  })

  test('OIDC 12.2 refresh: another sub is refused', async () => {
    const token = await make({ sub: 'u2' })
    await expect(
      validateIdToken(token, { issuer, clientId, keys, nowSeconds: now, subject: 'u1' }),
    ).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' })
  })
})
