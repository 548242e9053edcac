// Client ID Metadata Document clients (decision 6): a document served on loopback redeems an ID-JAG; fetches are
// guarded against SSRF (scheme, loopback and private addresses, DNS answers, redirects, size) and validated.
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GRANT_TYPE_JWT_BEARER, GRANT_TYPE_TOKEN_EXCHANGE } from '@openxaa/protocol'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ALLOW_LOOPBACK_CLIENT_METADATA, createAdminService } from '../src/index.js'
import { auditOf, postForm, type RunningAs, readJson, startAs } from './support/as.js'
import { makeKey, startTestIdp, type TestIdp } from './support/idp.js'
import { RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let cimdIdp: TestIdp
let strict: RunningAs
let docs: Server
let base = ''
const hits = new Map<string, number>()
const clientKey = await makeKey('cimd-1')
const documents = new Map<
  string,
  (url: string) => { status?: number; body: unknown; headers?: Record<string, string> }
>()

beforeAll(async () => {
  docs = createServer((req, res) => {
    const path = req.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const make = documents.get(path)
    if (!make) return res.writeHead(404).end()
    const { status = 200, body, headers = {} } = make(`${base}${path}`)
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(typeof body === 'string' ? body : JSON.stringify(body))
  })
  await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`
  const grants = [GRANT_TYPE_TOKEN_EXCHANGE, GRANT_TYPE_JWT_BEARER]
  documents.set('/public.json', (url) => ({
    body: {
      client_id: url,
      client_name: 'Agent',
      redirect_uris: ['http://127.0.0.1/cb'],
      grant_types: grants,
      token_endpoint_auth_method: 'none',
    },
  }))
  documents.set('/keyed.json', (url) => ({
    body: {
      client_id: url,
      client_name: 'Keyed',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [clientKey.publicJwk] },
    },
  }))
  documents.set('/private-jwks.json', (url) => ({
    body: { client_id: url, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://10.1.2.3/jwks' },
  }))
  documents.set('/other-id.json', () => ({ body: { client_id: 'https://attacker.example/client.json' } }))
  documents.set('/secret.json', (url) => ({ body: { client_id: url, client_secret: 'shh' } }))
  documents.set('/no-jwt-bearer.json', (url) => ({ body: { client_id: url, grant_types: ['authorization_code'] } }))
  documents.set('/huge.json', (url) => ({ body: { client_id: url, pad: 'x'.repeat(20_000) } }))
  documents.set('/redirect.json', () => ({ status: 302, body: '', headers: { location: `${base}/public.json` } }))
  documents.set('/not-json.json', () => ({ body: '<html>' }))
  documents.set('/bad-jwks.json', (url) => ({
    body: {
      client_id: url,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] },
    },
  }))
  documents.set('/bad-jwks-uri.json', (url) => ({
    body: { client_id: url, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'not a url' },
  }))

  w = await startWorld({ clientIdMetadataDocuments: { allowLoopback: ALLOW_LOOPBACK_CLIENT_METADATA } })
  cimdIdp = await startTestIdp({ aud: w.as.issuer, resource: RESOURCE, scope: 'chat.read' })
  const service = createAdminService(w.as.server.context)
  const actor = { type: 'cli' as const, id: 'test' }
  await service.createOrganization(actor, { id: 'cimd' })
  const trust = await service.createTrust(actor, {
    organizationId: 'cimd',
    issuer: cimdIdp.issuer,
    jwksUri: cimdIdp.jwksUri,
    linkingMode: 'jit',
  })
  await service.setTrustEnabled(actor, trust.id, true)
  // The same database, served without the loopback allowance: production settings.
  strict = await startAs(w.db.url, w.db.dir, { issuer: w.as.issuer })
})
afterAll(async () => {
  await strict?.close()
  await cimdIdp?.close()
  await w?.close()
  docs?.closeAllConnections()
  docs?.close()
})

function redeem(at: RunningAs, clientId: string, assertion: string, extra: Record<string, string> = {}) {
  return postForm(at.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion, client_id: clientId, ...extra })
}

describe('Client ID Metadata Document clients', () => {
  test('a public document client redeems an ID-JAG; the document is cached', async () => {
    const clientId = `${base}/public.json`
    const res = await redeem(w.as, clientId, await cimdIdp.mint({ client_id: clientId }))
    expect(res.status).toBe(200)
    expect((await auditOf(w.as.store, res))[0]).toMatchObject({ decision: 'allow', clientId, organization: 'cimd' })
    const again = await redeem(w.as, clientId, await cimdIdp.mint({ client_id: clientId }))
    expect(again.status).toBe(200)
    expect(hits.get('/public.json')).toBe(1)
  })

  test('a private_key_jwt document client authenticates with the keys in its document', async () => {
    const clientId = `${base}/keyed.json`
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: clientKey.kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(w.as.issuer)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(clientKey.privateKey)
    const form = {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }
    expect((await redeem(w.as, clientId, await cimdIdp.mint({ client_id: clientId }), form)).status).toBe(200)
    // The same document refuses the public method.
    const unauthenticated = await redeem(w.as, clientId, await cimdIdp.mint({ client_id: clientId }))
    expect(unauthenticated.status).toBe(401)
    expect((await auditOf(w.as.store, unauthenticated))[0]?.reason).toBe('ERR_CLIENT_AUTH_METHOD')
  })

  const refusals: [string, string, string][] = [
    ['client_id differs from the document URL', '/other-id.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document carries a client secret', '/secret.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document excludes the jwt-bearer grant', '/no-jwt-bearer.json', 'ERR_CLIENT_GRANT_NOT_ALLOWED'],
    ['the document is larger than the cap', '/huge.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document URL redirects', '/redirect.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document is not JSON', '/not-json.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document does not exist', '/missing.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document jwks holds a symmetric key', '/bad-jwks.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
    ['the document jwks_uri is not a URL', '/bad-jwks-uri.json', 'ERR_CLIENT_METADATA_DOCUMENT'],
  ]
  for (const [name, path, code] of refusals) {
    test(`refused: ${name}`, async () => {
      const clientId = `${base}${path}`
      const res = await redeem(w.as, clientId, await cimdIdp.mint({ client_id: clientId }))
      expect(res.status).toBe(code === 'ERR_CLIENT_GRANT_NOT_ALLOWED' ? 400 : 401)
      expect((await readJson(res)).error).toBe(
        code === 'ERR_CLIENT_GRANT_NOT_ALLOWED' ? 'unauthorized_client' : 'invalid_client',
      )
      expect((await auditOf(w.as.store, res))[0]).toMatchObject({ reason: code, clientId })
    })
  }
})

describe('SSRF protections', () => {
  const blocked: [string, string][] = [
    ['the cloud metadata address', 'https://169.254.169.254/latest/client.json'],
    ['a private network address', 'https://10.0.0.7/client.json'],
    ['an IPv6 unique-local address', 'https://[fd00::1]/client.json'],
    ['an IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/client.json'],
    ['plain http on a public name', 'http://client.example/client.json'],
    ['a URL with user information', 'https://user:pw@client.example/client.json'],
    ['a URL without a path', 'https://client.example/'],
    ['a URL with a fragment', 'https://client.example/c.json#x'],
  ]
  for (const [name, clientId] of blocked) {
    test(`refused before any connection: ${name}`, async () => {
      const res = await redeem(w.as, clientId, 'x')
      expect(res.status).toBe(401)
      expect((await auditOf(w.as.store, res))[0]?.reason).toBe('ERR_CLIENT_METADATA_DOCUMENT')
    })
  }

  test('without the loopback switch, loopback documents are never fetched (literal IP or a name resolving to it)', async () => {
    const before = hits.get('/public.json') ?? 0
    const port = new URL(base).port
    for (const clientId of [
      `${base}/public.json`,
      `https://localhost:${port}/public.json`,
      `https://127.0.0.1:${port}/public.json`,
    ]) {
      const res = await redeem(strict, clientId, 'x')
      expect(res.status).toBe(401)
      const [event] = await auditOf(strict.store, res)
      expect(event?.reason).toBe('ERR_CLIENT_METADATA_DOCUMENT')
    }
    expect(hits.get('/public.json') ?? 0).toBe(before)
  })

  test('a document whose jwks_uri points at a private address cannot authenticate', async () => {
    const clientId = `${base}/private-jwks.json`
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: clientKey.kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(w.as.issuer)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(clientKey.privateKey)
    const res = await redeem(w.as, clientId, 'x', {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    })
    expect(res.status).toBe(401)
    expect((await auditOf(w.as.store, res))[0]?.reason).toBe('ERR_CLIENT_ASSERTION')
  })
})

describe('a document server that stalls (timeout)', () => {
  let stall: Server
  let stallBase = ''
  let quick: RunningAs
  beforeAll(async () => {
    stall = createServer((req, res) => {
      // Headers and a first byte, then nothing: a slow body must time out like a silent server.
      if (req.url === '/slow-body.json') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{')
      }
      // '/silent.json': no answer at all.
    })
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve))
    stallBase = `http://127.0.0.1:${(stall.address() as AddressInfo).port}`
    quick = await startAs(w.db.url, w.db.dir, {
      issuer: w.as.issuer,
      clientIdMetadataDocuments: { allowLoopback: ALLOW_LOOPBACK_CLIENT_METADATA, timeout: 300 },
    })
  })
  afterAll(async () => {
    await quick?.close()
    stall?.closeAllConnections()
    stall?.close()
  })

  for (const path of ['/silent.json', '/slow-body.json']) {
    test(`refused once the timeout has passed: ${path}`, async () => {
      const clientId = `${stallBase}${path}`
      const started = Date.now()
      const res = await redeem(quick, clientId, await cimdIdp.mint({ client_id: clientId }))
      expect(Date.now() - started).toBeLessThan(3000)
      expect(res.status).toBe(401)
      expect((await readJson(res)).error).toBe('invalid_client')
      const [event] = await auditOf(quick.store, res)
      expect(event).toMatchObject({ reason: 'ERR_CLIENT_METADATA_DOCUMENT', clientId })
      expect(event?.detail).toMatch(/timed out/)
    })
  }
})
