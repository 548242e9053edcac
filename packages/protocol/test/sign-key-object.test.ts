// Tokens signed with a Node KeyObject take node:crypto directly (internal/sign.ts); they must be exactly what jose
// verifies, for every algorithm we sign with, and keys that path does not take still go through jose.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, test } from 'vitest'
import { mintAccessToken, mintIdJag, type SigningAlgorithm } from '../src/index.js'

const CLAIMS = { iss: 'https://as.example', sub: 'u1', aud: 'https://mcp.example', client_id: 'c1', scope: 'a b' }

function keyPair(alg: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 })
    case 'EdDSA':
      return generateKeyPairSync('ed25519')
  }
}

describe('signing with a KeyObject (node:crypto)', () => {
  for (const alg of ['ES256', 'RS256', 'PS256', 'EdDSA'] as const) {
    test(`${alg}: jose verifies the signature, the header is { alg, kid, typ }`, async () => {
      const { privateKey, publicKey } = keyPair(alg)
      const token = await mintAccessToken(CLAIMS, { kid: 'k1', alg, privateKey })
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: 'k1', typ: 'at+jwt' })
      const { payload } = await compactVerify(token, publicKey, { algorithms: [alg] })
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject(CLAIMS)
    })
  }

  test('ES256 signatures are 64 bytes (IEEE P1363), not DER', async () => {
    const { privateKey } = keyPair('ES256')
    const token = await mintIdJag({ ...CLAIMS, aud: 'https://as.chat.example' }, { kid: 'k', alg: 'ES256', privateKey })
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64)
  })

  test('a key that does not fit the algorithm is refused as before (jose decides)', async () => {
    const { privateKey } = keyPair('EdDSA')
    await expect(mintAccessToken(CLAIMS, { kid: 'k', alg: 'ES256', privateKey })).rejects.toThrow()
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    await expect(mintAccessToken(CLAIMS, { kid: 'k', alg: 'RS256', privateKey: small })).rejects.toThrow()
  })

  test('WebCrypto keys still sign through jose; a KeyObject from the same JWK verifies the same way', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const token = await mintAccessToken(CLAIMS, { kid: 'k', alg: 'ES256', privateKey })
    await expect(compactVerify(token, publicKey)).resolves.toBeDefined()
    const keyObject = createPrivateKey({ key: (await exportJWK(privateKey)) as never, format: 'jwk' })
    const again = await mintAccessToken(CLAIMS, { kid: 'k', alg: 'ES256', privateKey: keyObject })
    await expect(compactVerify(again, createPublicKey(keyObject))).resolves.toBeDefined()
    await expect(compactVerify(again, publicKey)).resolves.toBeDefined()
  })
})
