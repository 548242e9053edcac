// A small resource authorization server on loopback for tests: real keys, JWKS, RFC 8414 metadata built with
// protocol, a jwt-bearer token endpoint that mints RFC 9068 tokens for pre-registered assertions, and RFC 7662
// introspection of opaque tokens. It records every request so tests can see what a client fetched.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  buildAuthorizationServerMetadata,
  type MintAccessTokenInput,
  mintAccessToken,
  parseBasicAuthorization,
  type SigningKey,
} from '@openxaa/protocol'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

export interface TestKey extends SigningKey {
  publicJwk: JWK
}

export async function makeKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return {
    kid,
    alg: 'ES256',
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  }
}

/** What the token endpoint grants for one assertion string. */
export interface Grant {
  sub: string
  tenant?: string
  scope: string
}

export interface IntrospectionAnswer {
  [member: string]: unknown
}

export interface TestAs {
  readonly issuer: string
  readonly jwksUri: string
  readonly tokenEndpoint: string
  readonly introspectionEndpoint: string
  key: TestKey
  /** Served at the JWKS endpoint; defaults to the current key. */
  jwks: { keys: JWK[] }
  /** Requests seen, as `METHOD /path`. */
  readonly requests: string[]
  /** Assertion string → what the token endpoint grants. */
  readonly grants: Map<string, Grant>
  /** Opaque token → introspection answer (unknown tokens answer `{ active: false }`). */
  readonly opaque: Map<string, IntrospectionAnswer>
  /** Introspection client credentials the AS accepts. */
  readonly introspectionClient: { id: string; secret: string }
  /** Token-endpoint client credentials the AS accepts. */
  readonly client: { id: string; secret: string }
  /** When set, the introspection endpoint answers with this status. */
  introspectionStatus: number
  mint(
    claims: Partial<MintAccessTokenInput> & { aud: string | string[] },
    options?: { now?: number; lifetime?: number },
  ): Promise<string>
  close(): Promise<void>
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function basicOk(req: IncomingMessage, id: string, secret: string): boolean {
  try {
    const creds = parseBasicAuthorization(req.headers.authorization ?? '')
    return creds !== undefined && creds.clientId === id && creds.clientSecret === secret
  } catch {
    return false
  }
}

export async function startTestAs(options: { scopes?: string[]; kid?: string } = {}): Promise<TestAs> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await makeKey(options.kid ?? `as-${randomBytes(4).toString('hex')}`)
  const metadata = buildAuthorizationServerMetadata({
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    authorizationEndpoint: `${issuer}/authorize`,
    introspectionEndpoint: `${issuer}/introspect`,
    authMethods: ['client_secret_basic'],
    ...(options.scopes !== undefined && { scopesSupported: options.scopes }),
  })
  const as: TestAs = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    introspectionEndpoint: `${issuer}/introspect`,
    key,
    jwks: { keys: [key.publicJwk] },
    requests: [],
    grants: new Map(),
    opaque: new Map(),
    introspectionClient: { id: 'rs-client', secret: randomBytes(12).toString('hex') },
    client: { id: 'agent-client', secret: randomBytes(12).toString('hex') },
    introspectionStatus: 200,
    mint(claims, mintOptions) {
      const input: MintAccessTokenInput = { iss: issuer, sub: 'alice', client_id: 'agent-client', ...claims }
      return mintAccessToken(input, as.key, mintOptions)
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname
    as.requests.push(`${req.method} ${path}`)
    void (async () => {
      if (req.method === 'GET' && path === '/.well-known/oauth-authorization-server') return json(res, 200, metadata)
      if (req.method === 'GET' && path === '/jwks') return json(res, 200, as.jwks)
      if (req.method === 'POST' && path === '/token') {
        const form = await readForm(req)
        if (!basicOk(req, as.client.id, as.client.secret)) return json(res, 401, { error: 'invalid_client' })
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
          return json(res, 400, { error: 'unsupported_grant_type' })
        }
        const grant = as.grants.get(form.get('assertion') ?? '')
        const resource = form.get('resource')
        if (grant === undefined || resource === null) return json(res, 400, { error: 'invalid_grant' })
        const access_token = await as.mint({
          sub: grant.sub,
          aud: resource,
          scope: grant.scope,
          ...(grant.tenant !== undefined && { tenant: grant.tenant }),
        })
        return json(res, 200, { access_token, token_type: 'Bearer', expires_in: 300, scope: grant.scope })
      }
      if (req.method === 'POST' && path === '/introspect') {
        const form = await readForm(req)
        if (!basicOk(req, as.introspectionClient.id, as.introspectionClient.secret)) {
          return json(res, 401, { error: 'invalid_client' })
        }
        if (as.introspectionStatus !== 200) return json(res, as.introspectionStatus, { error: 'server_error' })
        return json(res, 200, as.opaque.get(form.get('token') ?? '') ?? { active: false })
      }
      json(res, 404, { error: 'not_found' })
    })().catch((err) => json(res, 500, { error: 'server_error', error_description: String(err) }))
  })
  return as
}
