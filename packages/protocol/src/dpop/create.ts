import { type CryptoKey, exportJWK, type KeyObject, SignJWT } from 'jose'
import { DEFAULT_SIGNING_ALGORITHM, DPOP_PROOF_TYP } from '../constants.js'
import { parseAbsoluteUri } from '../internal/uri.js'
import { dpopAccessTokenHash, publicJwk } from './verify.js'

/** What a DPoP proof is bound to, and the key pair that signs it. */
export interface CreateDpopProofParams {
  privateKey: CryptoKey | KeyObject
  publicKey: CryptoKey | KeyObject
  /** Default {@link DEFAULT_SIGNING_ALGORITHM} (ES256). */
  alg?: string
  htm: string
  /** The request URI; query and fragment are dropped (RFC 9449 4.2). */
  htu: string
  /** Sent to a resource server: adds `ath`. */
  accessToken?: string
  /** The last `DPoP-Nonce` the server gave. */
  nonce?: string
  /** Default: now. */
  now?: Date
  /** Default: a random UUID. */
  jti?: string
}

/**
 * Creates a DPoP proof JWT (`typ` dpop+jwt, the public key in `jwk`, `jti`, `htm`, `htu`, `iat`, and `ath` /
 * `nonce` when given), for clients and tests.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = await generateKeyPair('ES256')
 * headers.set('DPoP', await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: tokenEndpoint }))
 * ```
 * @see RFC 9449 section 4.2
 */
export async function createDpopProof(params: CreateDpopProofParams): Promise<string> {
  const url = parseAbsoluteUri(params.htu)
  if (url === undefined) throw new TypeError('htu must be an absolute URL')
  const claims: Record<string, string | number> = {
    jti: params.jti ?? crypto.randomUUID(),
    htm: params.htm,
    htu: `${url.origin}${url.pathname}`,
    iat: Math.floor((params.now ?? new Date()).getTime() / 1000),
  }
  if (params.accessToken !== undefined) claims.ath = await dpopAccessTokenHash(params.accessToken)
  if (params.nonce !== undefined) claims.nonce = params.nonce
  const jwk = publicJwk(await exportJWK(params.publicKey))
  return new SignJWT(claims)
    .setProtectedHeader({ alg: params.alg ?? DEFAULT_SIGNING_ALGORITHM, typ: DPOP_PROOF_TYP, jwk })
    .sign(params.privateKey)
}
