import { createDpopProof, publicJwk } from '@openxaa/protocol'
import { calculateJwkThumbprint, exportJWK } from 'jose'
import type { DpopKeyPair } from '../options.js'

/**
 * Signs DPoP proofs with one key pair and remembers the last `DPoP-Nonce` each server gave (RFC 9449 8, 9).
 * @see xaa-protocol.md section 2(g)
 */
export class DpopSigner {
  readonly #keys: DpopKeyPair
  readonly #nonces = new Map<string, string>()
  #jkt: Promise<string> | undefined

  constructor(keys: DpopKeyPair) {
    this.#keys = keys
  }

  /** RFC 7638 thumbprint of the public key: what a bound ID-JAG must carry in `cnf.jkt`. */
  thumbprint(): Promise<string> {
    this.#jkt ??= exportJWK(this.#keys.publicKey).then((jwk) => calculateJwkThumbprint(publicJwk(jwk)))
    return this.#jkt
  }

  /** A proof for one request; `accessToken` adds `ath` (requests to a resource server). */
  proof(htm: string, htu: string, nowSeconds: number, accessToken?: string): Promise<string> {
    const nonce = this.#nonces.get(new URL(htu).origin)
    return createDpopProof({
      privateKey: this.#keys.privateKey,
      publicKey: this.#keys.publicKey,
      alg: this.#keys.alg ?? 'ES256',
      htm,
      htu,
      now: new Date(nowSeconds * 1000),
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(nonce === undefined ? {} : { nonce }),
    })
  }

  /** Keeps a server's `DPoP-Nonce`; true when it is new (the request may be retried once with it). */
  rememberNonce(url: string, headers: Headers): boolean {
    const nonce = headers.get('dpop-nonce')
    if (nonce === null) return false
    const origin = new URL(url).origin
    const changed = this.#nonces.get(origin) !== nonce
    this.#nonces.set(origin, nonce)
    return changed
  }
}
