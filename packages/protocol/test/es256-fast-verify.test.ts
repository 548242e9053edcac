// ES256 signatures are checked by node:crypto directly (internal/jws.ts verifyEs256); every refusal jose made must
// still be made: another key, a changed payload, a DER-encoded signature, a key of another curve, no key.
import { createPublicKey, sign } from 'node:crypto'
import { base64url, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, test } from 'vitest'
import { staticKeySource, verifyAccessToken } from '../src/index.js'
import { forge, makeKey } from './support/keys.js'

const NOW = 1_800_000_000
const RAS = 'https://as.example'
const RESOURCE = 'https://mcp.example'
const HEADER = { alg: 'ES256', kid: 'k1', typ: 'at+jwt' }
const CLAIMS = { iss: RAS, sub: 'u1', aud: RESOURCE, client_id: 'c1', jti: 'j1', iat: NOW - 10, exp: NOW + 300 }

const key = await makeKey('k1')
const other = await makeKey('k1')
const keys = staticKeySource({ keys: [key.publicJwk] })
const verify = (token: string, source = keys) =>
  verifyAccessToken(token, { issuer: RAS, audience: RESOURCE, keys: source, now: NOW })

describe('ES256 verification through node:crypto', () => {
  test('a good signature verifies (WebCrypto key source and KeyObject source alike)', async () => {
    const token = await forge(HEADER, CLAIMS, key.privateKey)
    await expect(verify(token)).resolves.toMatchObject({ claims: { sub: 'u1' } })
    const keyObject = createPublicKey({ key: key.publicJwk as never, format: 'jwk' })
    await expect(verify(token, async () => keyObject)).resolves.toMatchObject({ claims: { sub: 'u1' } })
  })

  const refusals: [string, () => Promise<string>][] = [
    ['signed by another key with the same kid', () => forge(HEADER, CLAIMS, other.privateKey)],
    [
      'payload changed after signing',
      async () => {
        const [h, , s] = (await forge(HEADER, CLAIMS, key.privateKey)).split('.')
        return `${h}.${base64url.encode(JSON.stringify({ ...CLAIMS, sub: 'admin' }))}.${s}`
      },
    ],
    [
      'a DER-encoded signature of the right key',
      async () => {
        const input = `${base64url.encode(JSON.stringify(HEADER))}.${base64url.encode(JSON.stringify(CLAIMS))}`
        const der = sign('sha256', Buffer.from(input), {
          key: (await import('node:crypto')).createPrivateKey({
            key: (await exportJWK(key.privateKey)) as never,
            format: 'jwk',
          }),
        })
        return `${input}.${der.toString('base64url')}`
      },
    ],
    [
      'a truncated signature',
      async () => {
        const token = await forge(HEADER, CLAIMS, key.privateKey)
        return token.slice(0, -4)
      },
    ],
  ]
  for (const [name, make] of refusals) {
    test(`refused: ${name}`, async () => {
      await expect(verify(await make())).rejects.toMatchObject({
        code: 'ERR_ACCESS_TOKEN_SIGNATURE',
        oauthError: 'invalid_token',
      })
    })
  }

  test('refused: a P-384 key published under the kid (jose decides, and refuses)', async () => {
    const { publicKey } = await generateKeyPair('ES384', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' }
    const token = await forge(HEADER, CLAIMS, key.privateKey)
    await expect(verify(token, staticKeySource({ keys: [jwk] }))).rejects.toMatchObject({
      code: 'ERR_ACCESS_TOKEN_SIGNATURE',
    })
  })

  test('refused: no key with this kid', async () => {
    const token = await forge({ ...HEADER, kid: 'unknown' }, CLAIMS, key.privateKey)
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_ACCESS_TOKEN_SIGNATURE' })
  })

  test('two keys under one kid: the one that verifies is found (jose candidate path)', async () => {
    const token = await forge(HEADER, CLAIMS, key.privateKey)
    await expect(verify(token, staticKeySource({ keys: [other.publicJwk, key.publicJwk] }))).resolves.toBeDefined()
  })
})
