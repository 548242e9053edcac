// A test ID-JAG issuer on loopback: its own ES256 key, its JWKS and RFC 8414 metadata served over HTTP, ID-JAGs
// minted with protocol's mintIdJag, and a forger that signs any header and payload for attack tests.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type MintIdJagInput, mintIdJag } from '@openxaa/protocol'
import { base64url, CompactSign, type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose'

export interface TestKey {
  kid: string
  alg: 'ES256'
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
}

export async function makeKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return {
    kid,
    alg: 'ES256',
    privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  }
}

/** Signs `payload` under exactly `header` with `key` (`'none'`: unsecured; bytes: HMAC). */
export async function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array | 'none',
): Promise<string> {
  if (key === 'none') {
    return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`
  }
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key)
}

export interface TestIdp {
  issuer: string
  jwksUri: string
  key: TestKey
  /** Requests served, by path. */
  hits: Map<string, number>
  /** While true the JWKS endpoint drops the connection (an unreachable issuer). */
  jwksDown: boolean
  /** While true the JWKS endpoint never answers (a hanging issuer). */
  jwksHang: boolean
  /** Signs later ID-JAGs with a new key, published beside the old one. */
  rotate(): Promise<void>
  mint(input: Partial<MintIdJagInput>, now?: number): Promise<string>
  close(): Promise<void>
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

/** Starts an IdP whose ID-JAGs default to `defaults` (aud, client_id, resource, scope, tenant…). */
export async function startTestIdp(defaults: Partial<MintIdJagInput> = {}): Promise<TestIdp> {
  let key = await makeKey(`idp-${Math.random().toString(36).slice(2, 8)}`)
  const published = [key.publicJwk]
  const state = { jwksDown: false, jwksHang: false }
  const hits = new Map<string, number>()
  let issuer = ''
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (path === '/jwks') {
      if (state.jwksDown) return res.destroy()
      if (state.jwksHang) return
      return res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: published }))
    }
    if (path === '/.well-known/oauth-authorization-server' || path === '/.well-known/openid-configuration') {
      const metadata = {
        issuer,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
      }
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata))
    }
    res.writeHead(404).end()
  })
  const port = await listen(server)
  issuer = `http://127.0.0.1:${port}`
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get key() {
      return key
    },
    hits,
    get jwksDown() {
      return state.jwksDown
    },
    set jwksDown(down: boolean) {
      state.jwksDown = down
    },
    get jwksHang() {
      return state.jwksHang
    },
    set jwksHang(hang: boolean) {
      state.jwksHang = hang
    },
    async rotate() {
      key = await makeKey(`idp-${Math.random().toString(36).slice(2, 8)}`)
      published.push(key.publicJwk)
    },
    mint: (input, now) =>
      mintIdJag(
        { iss: issuer, sub: 'U1', ...defaults, ...input } as MintIdJagInput,
        key,
        now === undefined ? {} : { now },
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
