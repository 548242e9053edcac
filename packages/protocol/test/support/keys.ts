// Real keys and a forger that signs anything (any header, any payload), for attack tests.
import { base64url, CompactSign, type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose'
import type { SigningAlgorithm, SigningKey } from '../../src/index.js'

export interface TestKey extends SigningKey {
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
}

export async function makeKey(kid: string, alg: SigningAlgorithm = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { kid, alg, privateKey, publicKey, publicJwk }
}

const encoder = new TextEncoder()

/** Signs `payload` under exactly `header` (nothing added) with `key`; `'none'` yields an unsecured JWS. */
export async function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array | 'none',
): Promise<string> {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`
  if (key === 'none') return `${input}.`
  if (header.crit !== undefined && header.alg === 'ES256' && !(key instanceof Uint8Array)) {
    // jose refuses to produce unknown critical extensions; WebCrypto signs whatever it is given.
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, encoder.encode(input))
    return `${input}.${base64url.encode(new Uint8Array(signature))}`
  }
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key)
}
