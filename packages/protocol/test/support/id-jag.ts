// Shared fixtures for ID-JAG tests: one IdP, one resource AS, a same-kid attacker, an in-memory replay store.
import { type ReplayStore, staticKeySource, type TrustedIssuer, type VerifyIdJagContext } from '../../src/index.js'
import { forge, makeKey } from './keys.js'

export const NOW = 1_800_000_000
export const IDP = 'https://acme.idp.example'
export const RAS = 'https://as.chat.example'
export const TOKEN_URL = 'https://as.chat.example/token'
export const RESOURCE = 'https://mcp.chat.example'
export const CLIENT = 'client-a'
export const SAML_ISSUER = 'https://saml.acme.example/metadata'
export const HEADER = { alg: 'ES256', kid: 'idp-1', typ: 'oauth-id-jag+jwt' }

export const idp = await makeKey('idp-1')
/** A different key under the genuine kid. */
export const attacker = await makeKey('idp-1')

/** In-memory replay store: (iss, jti) seen until exp. */
export class MemoryReplayStore implements ReplayStore {
  readonly seen = new Map<string, number>()
  async firstUse(iss: string, jti: string, exp: number): Promise<boolean> {
    const key = JSON.stringify([iss, jti])
    if (this.seen.has(key)) return false
    this.seen.set(key, exp)
    return true
  }
}

let jtiCounter = 0

/** A valid claim set at NOW, with overrides. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: IDP,
    sub: 'U019488227',
    aud: RAS,
    client_id: CLIENT,
    jti: `jti-${++jtiCounter}`,
    iat: NOW - 10,
    exp: NOW + 290,
    resource: RESOURCE,
    scope: 'chat.read chat.history',
    tenant: 'acme',
    ...overrides,
  }
}

export function trust(overrides: Partial<TrustedIssuer> = {}): TrustedIssuer {
  return { issuer: IDP, keys: staticKeySource({ keys: [idp.publicJwk] }), tenant: 'acme', ...overrides }
}

export function ctx(overrides: Partial<VerifyIdJagContext> = {}, trusted: TrustedIssuer = trust()): VerifyIdJagContext {
  return {
    issuer: RAS,
    tokenEndpoint: TOKEN_URL,
    trustedIssuer: (iss) => (iss === trusted.issuer ? trusted : undefined),
    clientId: CLIENT,
    resources: [RESOURCE],
    replay: new MemoryReplayStore(),
    now: NOW,
    ...overrides,
  }
}

/** A valid ID-JAG signed by the IdP key, with claim overrides. */
export function validIdJag(overrides: Record<string, unknown> = {}): Promise<string> {
  return forge(HEADER, claims(overrides), idp.privateKey)
}
