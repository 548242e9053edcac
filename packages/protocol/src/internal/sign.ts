import { base64url, SignJWT } from 'jose'
import type { SigningKey } from '../keys.js'

const SIGNING_ALGORITHMS = new Set(['ES256', 'RS256', 'PS256', 'EdDSA'])

/** Refuses a signing key that cannot produce a verifiable, rotatable token (kid and alg are required). */
export function checkSigningKey(key: SigningKey, where: string): void {
  if (typeof key !== 'object' || key === null) throw new TypeError(`${where}: key must be a SigningKey`)
  if (typeof key.kid !== 'string' || key.kid.length === 0) throw new TypeError(`${where}: key.kid must be a string`)
  if (!SIGNING_ALGORITHMS.has(key.alg)) throw new TypeError(`${where}: key.alg must be ES256, RS256, PS256 or EdDSA`)
  const type = (key.privateKey as { type?: unknown } | undefined)?.type
  if (type !== 'private') throw new TypeError(`${where}: key.privateKey must be a private key`)
}

/** 128 random bits, base64url: a `jti` no two issuances share. */
export function randomJti(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(16)))
}

type NodeCrypto = typeof import('node:crypto')
type NodeKeyObject = import('node:crypto').KeyObject

// Reached without a static import: protocol stays loadable where node:crypto does not exist (and KeyObjects,
// the only keys this path takes, do not either). `process.getBuiltinModule` exists from Node 20.16.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined

function isKeyObject(key: unknown): key is NodeKeyObject {
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof (key as { export?: unknown }).export === 'function' &&
    typeof (key as { asymmetricKeyType?: unknown }).asymmetricKeyType === 'string'
  )
}

/**
 * The signature of `input` with a Node KeyObject through node:crypto directly, or undefined for a key or algorithm
 * this path does not take (jose then signs, and refuses what it refuses). jose would turn the KeyObject into a
 * WebCrypto key and sign on the thread pool on every call: several times the cost of the signature itself.
 */
function signWithKeyObject(crypto: NodeCrypto, alg: string, key: NodeKeyObject, input: Buffer): Buffer | undefined {
  const details = key.asymmetricKeyDetails
  switch (alg) {
    case 'ES256':
      if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') return undefined
      return crypto.sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })
    case 'RS256':
      // jose refuses RSA keys under 2048 bits: leave those to it.
      if (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048) return undefined
      return crypto.sign('sha256', input, key)
    case 'PS256':
      if (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048) return undefined
      // RFC 7518 3.5: MGF1 with SHA-256 and a salt as long as the hash.
      return crypto.sign('sha256', input, {
        key,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
      })
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519' ? crypto.sign(null, input, key) : undefined
    default:
      return undefined
  }
}

/** Signs a payload as a compact JWS with header `{ alg, kid, typ }`. */
export async function signJwt(payload: Record<string, unknown>, key: SigningKey, typ: string): Promise<string> {
  const header = { alg: key.alg, kid: key.kid, typ }
  if (nodeCrypto !== undefined && isKeyObject(key.privateKey)) {
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
    const signature = signWithKeyObject(nodeCrypto, key.alg, key.privateKey, Buffer.from(input))
    if (signature !== undefined) return `${input}.${signature.toString('base64url')}`
  }
  return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey)
}
