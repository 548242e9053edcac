// One attack per rule of spec 2(d) and checklist items 15-29, over real HTTP: each asserts the status, the public
// OAuth error, no-store, the audit row's reason code, and that neither the assertion nor a token reached the audit.
import { randomUUID } from 'node:crypto'
import { GRANT_TYPE_JWT_BEARER, type ProtocolErrorCode } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAdminService } from '../src/index.js'
import { auditOf, postForm, readJson } from './support/as.js'
import { forge, makeKey, startTestIdp, type TestIdp } from './support/idp.js'
import { ACME_AGENT, AGENT, AGENT_B, OTHER_RESOURCE, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let stranger: TestIdp
let gamma: TestIdp
const attacker = await makeKey('attacker')

beforeAll(async () => {
  w = await startWorld()
  stranger = await startTestIdp({ aud: w.as.issuer, client_id: AGENT, resource: RESOURCE, tenant: 'acme' })
  // A trust of organization acme that an administrator has not enabled.
  gamma = await startTestIdp({ aud: w.as.issuer, client_id: AGENT, resource: RESOURCE, tenant: 'acme' })
  const service = createAdminService(w.as.server.context)
  await service.createTrust(
    { type: 'cli', id: 'test' },
    { organizationId: 'acme', issuer: gamma.issuer, jwksUri: gamma.jwksUri },
  )
  await service.createClient({ type: 'cli', id: 'test' }, { clientId: 'outsider' }).then((r) => {
    w.secrets.outsider = r.secret!
  })
})
afterAll(async () => {
  await stranger?.close()
  await gamma?.close()
  await w?.close()
})

/** A complete, valid claim set for AGENT from the Acme IdP, with overrides (undefined deletes a claim). */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  const base: Record<string, unknown> = {
    iss: w.idp.issuer,
    sub: 'U1',
    aud: w.as.issuer,
    client_id: AGENT,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    resource: RESOURCE,
    scope: 'chat.read',
    tenant: 'acme',
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k]
    else base[k] = v
  }
  return base
}

function header(overrides: Record<string, unknown> = {}) {
  return { alg: 'ES256', kid: w.idp.key.kid, typ: 'oauth-id-jag+jwt', ...overrides }
}

interface Attack {
  name: string
  assertion: () => Promise<string>
  client?: string
  secret?: string
  form?: Record<string, string>
  status?: number
  error?: string
  code: ProtocolErrorCode
}

const signed = (h: Record<string, unknown>, c: Record<string, unknown>) =>
  forge(header(h), claims(c), w.idp.key.privateKey)

const attacks: Attack[] = [
  { name: '2(d).2 [#15] typ is JWT', assertion: () => signed({ typ: 'JWT' }, {}), code: 'ERR_ID_JAG_TYP' },
  { name: '2(d).2 [#15] typ is at+jwt', assertion: () => signed({ typ: 'at+jwt' }, {}), code: 'ERR_ID_JAG_TYP' },
  {
    name: '2(d).2 [#15] a genuine ID Token replayed as the assertion',
    assertion: () =>
      signed(
        { typ: 'JWT' },
        { aud: AGENT, nonce: 'n-1', auth_time: Math.floor(Date.now() / 1000), resource: undefined },
      ),
    code: 'ERR_ID_JAG_TYP',
  },
  {
    name: '2(d).3 [#16] unknown issuer',
    assertion: () => stranger.mint({ scope: 'chat.read' }),
    code: 'ERR_ID_JAG_ISSUER',
  },
  {
    name: '2(d).3 [#16] decision 7: issuer trusted by another organization than the client’s',
    assertion: () => w.betaIdp.mint({ client_id: ACME_AGENT }),
    client: ACME_AGENT,
    code: 'ERR_ID_JAG_ISSUER',
  },
  {
    name: '2(d).3 decision 7: the issuer trust is disabled',
    assertion: () => gamma.mint({ scope: 'chat.read' }),
    code: 'ERR_ID_JAG_TRUST_DISABLED',
  },
  {
    name: '2(d).4 [#16] bad signature (another key under the issuer’s kid)',
    assertion: () => forge(header(), claims(), attacker.privateKey),
    code: 'ERR_ID_JAG_SIGNATURE',
  },
  {
    name: '2(d).4 [#16] alg none',
    assertion: () => forge(header({ alg: 'none' }), claims(), 'none'),
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] HS256 keyed with the issuer’s public key',
    assertion: () =>
      forge(header({ alg: 'HS256' }), claims(), new TextEncoder().encode(JSON.stringify(w.idp.key.publicJwk))),
    code: 'ERR_ID_JAG_ALG',
  },
  {
    name: '2(d).4 [#16] jku header names the attacker’s key set',
    assertion: () => forge(header({ jku: `${stranger.issuer}/jwks` }), claims(), w.idp.key.privateKey),
    code: 'ERR_ID_JAG_KEY_REFERENCE',
  },
  {
    name: '2(d).4 [#28] unknown kid',
    assertion: () => forge(header({ kid: 'rotated-away' }), claims(), attacker.privateKey),
    code: 'ERR_ID_JAG_KEY_NOT_FOUND',
  },
  {
    name: '2(d).5 [#17] aud is the token endpoint',
    assertion: () => signed({}, { aud: `${w.as.issuer}/token` }),
    code: 'ERR_ID_JAG_AUDIENCE',
  },
  {
    name: '2(d).5 [#17] aud with two values',
    assertion: () => signed({}, { aud: [w.as.issuer, 'https://other-as.example'] }),
    code: 'ERR_ID_JAG_AUDIENCE',
  },
  {
    name: '2(d).5 [#17] aud is another AS’s issuer',
    assertion: () => signed({}, { aud: 'https://as.other.example' }),
    code: 'ERR_ID_JAG_AUDIENCE',
  },
  {
    name: '2(d).6 [#18] expired',
    assertion: () => {
      const past = Math.floor(Date.now() / 1000) - 1000
      return signed({}, { iat: past, exp: past + 300 })
    },
    code: 'ERR_ID_JAG_EXPIRED',
  },
  {
    name: '2(d).6 [#18] exp far in the future',
    assertion: () => signed({}, { exp: Math.floor(Date.now() / 1000) + 86_400 }),
    code: 'ERR_ID_JAG_LIFETIME',
  },
  {
    name: '2(d).7 [#18] jti missing',
    assertion: () => signed({}, { jti: undefined }),
    code: 'ERR_ID_JAG_CLAIM_MISSING',
  },
  {
    name: '2(d).8 [#20] client_id claim names another client',
    assertion: () => w.idJag({ client_id: AGENT }),
    client: AGENT_B,
    code: 'ERR_ID_JAG_CLIENT',
  },
  {
    name: '2(d).8 [#20] the client is registered but not allowed by the issuer trust',
    assertion: () => w.idJag({ client_id: 'outsider' }),
    client: 'outsider',
    code: 'ERR_ID_JAG_CLIENT',
  },
  {
    name: '2(d).1 unregistered client',
    assertion: () => w.idJag({ client_id: 'ghost' }),
    client: 'ghost',
    secret: 'some-secret-of-a-ghost',
    status: 401,
    error: 'invalid_client',
    code: 'ERR_CLIENT_UNKNOWN',
  },
  {
    name: '2(d).1 wrong client secret',
    assertion: () => w.idJag(),
    secret: 'not-the-secret-of-agent',
    status: 401,
    error: 'invalid_client',
    code: 'ERR_CLIENT_SECRET',
  },
  {
    name: '2(d).9 [#23] tenant differs from the trust’s pin',
    assertion: () => w.idJag({ tenant: 'globex' }),
    code: 'ERR_ID_JAG_TENANT',
  },
  {
    name: '2(d).9 [#23] tenant missing',
    assertion: () => signed({}, { tenant: undefined }),
    code: 'ERR_ID_JAG_TENANT',
  },
  {
    name: '2(d).10 [#24] sub_id names a SAML issuer not associated with iss',
    assertion: () => signed({}, { sub_id: { format: 'saml-nameid', issuer: 'https://evil.example', nameid: 'U1' } }),
    code: 'ERR_ID_JAG_SUB_ID',
  },
  {
    name: '2(d).10 subject unknown and the trust links by sub only',
    assertion: () => w.betaIdp.mint({ sub: 'nobody' }),
    code: 'ERR_ID_JAG_SUBJECT',
  },
  {
    name: '2(d).11 [#25] cnf without a DPoP proof',
    assertion: () => w.idJag({ cnf: { jkt: 'x'.repeat(43) } }),
    code: 'ERR_ID_JAG_CNF',
  },
  {
    name: '2(d).12 [#21] resource not served here',
    assertion: () => w.idJag({ resource: 'https://mcp.elsewhere.example' }),
    code: 'ERR_ID_JAG_RESOURCE',
  },
  {
    name: '2(d).12 decision 2: resource claim missing',
    assertion: () => signed({}, { resource: undefined }),
    code: 'ERR_ID_JAG_RESOURCE',
  },
  {
    name: '2(d).12 RFC 8707: the resource parameter is not in the assertion',
    assertion: () => w.idJag(),
    form: { resource: OTHER_RESOURCE },
    error: 'invalid_target',
    code: 'ERR_RESOURCE_INVALID',
  },
  {
    name: '2(d).13 [#22] scope escalation: no assertion scope is defined for the resource',
    assertion: () => w.idJag({ scope: 'admin.everything' }),
    code: 'ERR_ID_JAG_SCOPE',
  },
  {
    name: '2(d).13 [#22] scope escalation: the request asks only for scopes outside the assertion',
    assertion: () => w.idJag({ scope: 'chat.read' }),
    form: { scope: 'chat.write' },
    error: 'invalid_scope',
    code: 'ERR_SCOPE_INVALID',
  },
]

describe('jwt-bearer attacks', () => {
  for (const attack of attacks) {
    test(attack.name, async () => {
      const assertion = await attack.assertion()
      const client = attack.client ?? AGENT
      const secret = attack.secret ?? w.secrets[client]!
      const res = await postForm(
        w.as.tokenUrl,
        { grant_type: GRANT_TYPE_JWT_BEARER, assertion, ...attack.form },
        { basic: [client, secret] },
      )
      const body = await readJson(res)
      expect(res.status).toBe(attack.status ?? 400)
      expect(body.error).toBe(attack.error ?? 'invalid_grant')
      expect(body).not.toHaveProperty('access_token')
      expect(res.headers.get('cache-control')).toBe('no-store')
      if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic /)
      const events = await auditOf(w.as.store, res)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        action: 'id_jag.redeem',
        decision: 'deny',
        reason: attack.code,
        clientId: client,
      })
      expect(events[0]?.rule).toBeTruthy()
      // The reason comes with who sent what: the issuer and subject the assertion names (as claimed: the refusal may
      // be that they are not to be believed), once the client is authenticated.
      if (res.status !== 401) {
        const claimed = decodeJwt(assertion)
        expect(events[0]).toMatchObject({ issuer: claimed.iss, subject: claimed.sub })
      }
      const text = JSON.stringify(events)
      expect(text).not.toContain(assertion)
      expect(text).not.toContain(secret)
      expect(events[0]?.redacted).toBe(0)
      // The description names only what was sent: never the private detail.
      expect(body.error_description).not.toContain(events[0]?.detail ?? '\u0000')
    })
  }

  test('decision 7: the refusal of a disabled trust names its organization in the audit', async () => {
    const res = await postForm(
      w.as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await gamma.mint({}) },
      { basic: [AGENT, w.secrets[AGENT]!] },
    )
    expect((await auditOf(w.as.store, res))[0]).toMatchObject({ organization: 'acme', issuer: gamma.issuer })
  })
})
