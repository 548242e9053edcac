// docs/embed-the-verifier.md, run as written: the exported redemption (`createRedemptionContext` + `redeemIdJag`)
// inside a Hono route with OpenXAA's client authentication, and inside node-oidc-provider's `registerGrantType`.
// Both on loopback over HTTP: an ID-JAG is redeemed for an access token that verifies against the store's `as` keys,
// a forged one is refused `invalid_grant` with the reason in the audit log, and a replay is refused.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import {
  accessTokenResponse,
  GRANT_TYPE_JWT_BEARER,
  isProtocolError,
  JWT_BEARER_REPEATABLE_PARAMETERS,
  NO_STORE_HEADERS,
  parseJwtBearerRequest,
  readForm,
  staticKeySource,
  toOAuthErrorResponse,
  verifyAccessToken,
  verifyDpopProof,
} from '@openxaa/protocol'
import { openStore, type Store } from '@openxaa/store'
import { Hono } from 'hono'
import Provider, { errors } from 'oidc-provider'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  authenticateClient,
  createAdminService,
  createRedemptionContext,
  type RedemptionContext,
  redeemIdJag,
} from '../src/index.js'
import { KEK, postForm, readJson, tempDatabase } from './support/as.js'
import { forge, startTestIdp, type TestIdp } from './support/idp.js'

const RESOURCE = 'https://mcp.chat.example'
const db = tempDatabase()
let store: Store
let idp: TestIdp
const servers: Server[] = []
let secrets: Record<string, string>

/** Listens on a loopback port first, so the issuer can name it; `make` is given the issuer and returns the handler. */
async function listen(make: (issuer: string) => RequestListener): Promise<string> {
  let handler: RequestListener | undefined
  const server = createServer((req, res) => handler!(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  handler = make(issuer)
  return issuer
}

/** Organization acme trusts the test IdP for both embedding clients; the resource is the chat MCP server. */
async function configure(): Promise<Record<string, string>> {
  const admin = { type: 'cli' as const, id: 'test' }
  const service = createAdminService({ store })
  await service.createOrganization(admin, { id: 'acme', name: 'Acme' })
  await service.createResource(admin, { uri: RESOURCE, scopes: ['chat.read', 'chat.history'] })
  const trust = await service.createTrust(admin, {
    organizationId: 'acme',
    issuer: idp.issuer,
    tenant: 'acme',
    jwksUri: idp.jwksUri,
    allowedClientIds: ['hono-agent', 'op-agent'],
    linkingMode: 'jit',
  })
  await service.setTrustEnabled(admin, trust.id, true)
  // Only the Hono route authenticates clients against the store; oidc-provider has its own client list.
  return { 'hono-agent': (await service.createClient(admin, { clientId: 'hono-agent' })).secret! }
}

async function lastRefusal(clientId: string) {
  const page = await store.audit.query({ action: 'id_jag.redeem', clientId, decision: 'deny', limit: 1 })
  return page.events[0]
}

beforeAll(async () => {
  store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
  idp = await startTestIdp({ resource: RESOURCE, scope: 'chat.read', tenant: 'acme' })
  secrets = await configure()
})
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
  await idp?.close()
  await store?.close()
  db.dispose()
})

describe('the guide: a Hono route', () => {
  let issuer: string
  let context: RedemptionContext

  beforeAll(async () => {
    issuer = await listen((iss) => {
      context = createRedemptionContext({ store }, { issuer: iss })
      const app = new Hono()
      // From docs/embed-the-verifier.md, "In a Hono (or any fetch-style) route".
      app.post('/oauth/token', async (c) => {
        try {
          const form = await readForm(c.req.raw, { repeatable: JWT_BEARER_REPEATABLE_PARAMETERS })
          const client = await authenticateClient(context, { headers: c.req.raw.headers, form })
          const { assertion, scopes, resources } = parseJwtBearerRequest(form)
          const token = await redeemIdJag(context, { assertion, client, scopes, resources })
          return accessTokenResponse({
            accessToken: token.accessToken,
            tokenType: token.tokenType,
            expiresIn: token.expiresIn,
            scopes: token.scopes,
          })
        } catch (err) {
          if (isProtocolError(err)) return toOAuthErrorResponse(err)
          throw err
        }
      })
      return getRequestListener(app.fetch)
    })
  })

  const redeem = (assertion: string, clientSecret = secrets['hono-agent']!) =>
    postForm(
      `${issuer}/oauth/token`,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion, resource: RESOURCE },
      { basic: ['hono-agent', clientSecret] },
    )

  test('redeems an ID-JAG; the access token verifies against the store keys; a replay is invalid_grant', async () => {
    const assertion = await idp.mint({ aud: issuer, client_id: 'hono-agent' })
    const res = await redeem(assertion)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await readJson(res)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'chat.read' })
    const { claims } = await verifyAccessToken(body.access_token, {
      issuer,
      audience: RESOURCE,
      keys: staticKeySource(await store.keys.publicJwks('as')),
    })
    expect(claims).toMatchObject({ iss: issuer, aud: RESOURCE, client_id: 'hono-agent', tenant: 'acme' })

    const replay = await redeem(assertion)
    expect(replay.status).toBe(400)
    expect((await readJson(replay)).error).toBe('invalid_grant')
    expect(await lastRefusal('hono-agent')).toMatchObject({ reason: 'ERR_ID_JAG_REPLAY' })
  })

  test('a forged audience is invalid_grant with the reason in the audit; a wrong secret is invalid_client', async () => {
    const forged = await forge(
      { alg: 'ES256', kid: idp.key.kid, typ: 'oauth-id-jag+jwt' },
      {
        iss: idp.issuer,
        sub: 'U1',
        aud: `${issuer}/oauth/token`,
        client_id: 'hono-agent',
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 300,
        resource: RESOURCE,
        tenant: 'acme',
      },
      idp.key.privateKey,
    )
    const res = await redeem(forged)
    expect(res.status).toBe(400)
    expect((await readJson(res)).error).toBe('invalid_grant')
    expect(await lastRefusal('hono-agent')).toMatchObject({ reason: 'ERR_ID_JAG_AUDIENCE' })

    const wrong = await redeem(await idp.mint({ aud: issuer, client_id: 'hono-agent' }), 'not-the-secret')
    expect(wrong.status).toBe(401)
    expect((await readJson(wrong)).error).toBe('invalid_client')
  })
})

describe('the guide: node-oidc-provider registerGrantType', () => {
  let issuer: string
  const clientSecret = randomBytes(24).toString('base64url')

  beforeAll(async () => {
    issuer = await listen((iss) => {
      const context = createRedemptionContext({ store }, { issuer: iss })
      const provider = new Provider(iss, {
        clients: [
          {
            client_id: 'op-agent',
            client_secret: clientSecret,
            grant_types: [GRANT_TYPE_JWT_BEARER],
            response_types: [],
            redirect_uris: [],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
      })
      // From docs/embed-the-verifier.md, "In node-oidc-provider (registerGrantType)".
      provider.registerGrantType(
        GRANT_TYPE_JWT_BEARER,
        async (ctx) => {
          const { assertion, scope, resource } = ctx.oidc.params as {
            assertion?: string
            scope?: string
            resource?: string
          }
          if (!assertion) throw new errors.InvalidRequest('assertion is required')
          const proof = ctx.get('DPoP')
          try {
            const dpopJkt = proof
              ? (await verifyDpopProof(proof, { htm: 'POST', htu: `${provider.issuer}/token` })).jkt
              : undefined
            const token = await redeemIdJag(context, {
              assertion,
              client: {
                clientId: ctx.oidc.client!.clientId,
                method: 'client_secret_basic',
                organizationId: null,
                metadataDocument: false,
              },
              ...(dpopJkt ? { dpopJkt } : {}),
              ...(scope ? { scopes: scope.split(' ') } : {}),
              ...(resource ? { resources: [resource] } : {}),
            })
            ctx.set(NO_STORE_HEADERS)
            ctx.body = {
              access_token: token.accessToken,
              token_type: token.tokenType,
              expires_in: token.expiresIn,
              scope: token.scopes.join(' '),
            }
          } catch (err) {
            if (!isProtocolError(err)) throw err
            if (err.oauthError === 'invalid_grant') throw new errors.InvalidGrant(err.description)
            if (err.oauthError === 'invalid_target') throw new errors.InvalidTarget(err.description)
            if (err.oauthError === 'invalid_scope') throw new errors.InvalidScope(err.description, scope ?? '')
            throw new errors.InvalidRequest(err.description)
          }
        },
        ['assertion', 'scope', 'resource'],
      )
      return provider.callback()
    })
  })

  const redeem = (assertion: string, extra: Record<string, string> = {}) =>
    postForm(
      `${issuer}/token`,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion, ...extra },
      { basic: ['op-agent', clientSecret] },
    )

  test('redeems an ID-JAG through oidc-provider; a replay is invalid_grant, audited', async () => {
    const assertion = await idp.mint({ aud: issuer, client_id: 'op-agent' })
    const res = await redeem(assertion)
    const body = await readJson(res)
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'chat.read' })
    const { claims } = await verifyAccessToken(body.access_token, {
      issuer,
      audience: RESOURCE,
      keys: staticKeySource(await store.keys.publicJwks('as')),
    })
    expect(claims).toMatchObject({ iss: issuer, aud: RESOURCE, client_id: 'op-agent' })

    const replay = await redeem(assertion)
    expect(replay.status).toBe(400)
    expect((await readJson(replay)).error).toBe('invalid_grant')
    expect(await lastRefusal('op-agent')).toMatchObject({ reason: 'ERR_ID_JAG_REPLAY' })
  })

  test('the resource parameter reaches redeemIdJag: one the ID-JAG does not name is refused', async () => {
    const ok = await redeem(await idp.mint({ aud: issuer, client_id: 'op-agent' }), { resource: RESOURCE })
    expect(ok.status, JSON.stringify(await readJson(ok.clone()))).toBe(200)
    const other = await redeem(await idp.mint({ aud: issuer, client_id: 'op-agent' }), {
      resource: 'https://mcp.other.example',
    })
    expect(other.status).toBe(400)
    expect((await readJson(other)).error).toBe('invalid_target')
  })
})
