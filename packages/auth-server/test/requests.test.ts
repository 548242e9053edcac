// The token endpoint's request handling: grant types, forms, client authentication methods, DPoP proofs, and bad
// input of every kind answered with an OAuth error, never a 500 or a stack trace.
import { randomUUID } from 'node:crypto'
import { createDpopProof, GRANT_TYPE_JWT_BEARER, GRANT_TYPE_JWT_DPOP } from '@openxaa/protocol'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAdminService } from '../src/index.js'
import { auditOf, postForm, readJson } from './support/as.js'
import { makeKey, startTestIdp, type TestIdp } from './support/idp.js'
import { AGENT, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let keyIdp: TestIdp
const keyClient = await makeKey('kc-1')

beforeAll(async () => {
  w = await startWorld()
  const service = createAdminService(w.as.server.context)
  const actor = { type: 'cli' as const, id: 'test' }
  await service.createClient(actor, {
    clientId: 'key-client',
    jwks: { keys: [keyClient.publicJwk as Record<string, unknown>] },
  })
  // An organization whose trust covers every client, so that key-client can redeem.
  keyIdp = await startTestIdp({ aud: w.as.issuer, client_id: 'key-client', resource: RESOURCE, scope: 'chat.read' })
  await service.createOrganization(actor, { id: 'keys' })
  const trust = await service.createTrust(actor, {
    organizationId: 'keys',
    issuer: keyIdp.issuer,
    jwksUri: keyIdp.jwksUri,
    linkingMode: 'jit',
  })
  await service.setTrustEnabled(actor, trust.id, true)
})
afterAll(async () => {
  await keyIdp?.close()
  await w?.close()
})

function basic(): [string, string] {
  return [AGENT, w.secrets[AGENT]!]
}

async function clientAssertion(overrides: Record<string, unknown> = {}) {
  return new SignJWT({ jti: randomUUID(), ...overrides })
    .setProtectedHeader({ alg: 'ES256', kid: keyClient.kid })
    .setIssuer('key-client')
    .setSubject('key-client')
    .setAudience(w.as.issuer)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(keyClient.privateKey)
}

describe('grant requests', () => {
  test('unknown grant_type → unsupported_grant_type, audited', async () => {
    const res = await postForm(w.as.tokenUrl, { grant_type: 'client_credentials' }, { basic: basic() })
    expect(res.status).toBe(400)
    expect((await readJson(res)).error).toBe('unsupported_grant_type')
    expect((await auditOf(w.as.store, res))[0]).toMatchObject({ reason: 'ERR_UNSUPPORTED_GRANT_TYPE', clientId: AGENT })
  })

  test('a repeated assertion parameter is refused (RFC 6749 3.1)', async () => {
    const a = await w.idJag()
    const res = await postForm(
      w.as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: [a, a] },
      { basic: basic() },
    )
    expect(res.status).toBe(400)
    expect((await readJson(res)).error).toBe('invalid_request')
  })

  test('client_secret_post authenticates too', async () => {
    const res = await postForm(w.as.tokenUrl, {
      grant_type: GRANT_TYPE_JWT_BEARER,
      assertion: await w.idJag(),
      client_id: AGENT,
      client_secret: w.secrets[AGENT]!,
    })
    expect(res.status).toBe(200)
  })

  test('[#29] private_key_jwt authenticates a registered client; a replayed client assertion is refused', async () => {
    const assertion = await clientAssertion()
    const form = {
      grant_type: GRANT_TYPE_JWT_BEARER,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }
    const ok = await postForm(w.as.tokenUrl, { ...form, assertion: await keyIdp.mint({}) })
    expect(ok.status).toBe(200)
    expect((await auditOf(w.as.store, ok))[0]).toMatchObject({
      decision: 'allow',
      clientId: 'key-client',
      organization: 'keys',
    })
    // The acme trust does not list key-client: authentication passes, the trust refuses the client.
    const notListed = await postForm(w.as.tokenUrl, {
      ...form,
      client_assertion: await clientAssertion(),
      assertion: await w.idJag({ client_id: 'key-client' }),
    })
    expect((await auditOf(w.as.store, notListed))[0]).toMatchObject({
      reason: 'ERR_ID_JAG_CLIENT',
      clientId: 'key-client',
    })
    const replayed = await postForm(w.as.tokenUrl, { ...form, assertion: await keyIdp.mint({}) })
    expect(replayed.status).toBe(401)
    expect((await auditOf(w.as.store, replayed))[0]).toMatchObject({ reason: 'ERR_CLIENT_ASSERTION' })
  })

  test('private_key_jwt signed by another key → 401 invalid_client', async () => {
    const forged = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: keyClient.kid })
      .setIssuer('key-client')
      .setSubject('key-client')
      .setAudience(w.as.issuer)
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign((await makeKey('x')).privateKey)
    const res = await postForm(w.as.tokenUrl, {
      grant_type: GRANT_TYPE_JWT_BEARER,
      assertion: await w.idJag(),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: forged,
    })
    expect(res.status).toBe(401)
    expect((await readJson(res)).error).toBe('invalid_client')
  })

  test('a secret client that tries private_key_jwt, or no authentication, is refused', async () => {
    const none = await postForm(w.as.tokenUrl, {
      grant_type: GRANT_TYPE_JWT_BEARER,
      assertion: await w.idJag(),
      client_id: AGENT,
    })
    expect(none.status).toBe(401)
    expect((await auditOf(w.as.store, none))[0]?.reason).toBe('ERR_CLIENT_AUTH_METHOD')
    const anonymous = await postForm(w.as.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await w.idJag() })
    expect(anonymous.status).toBe(401)
    expect((await auditOf(w.as.store, anonymous))[0]?.reason).toBe('ERR_CLIENT_AUTH_MISSING')
  })

  test('a disabled client cannot authenticate', async () => {
    const service = createAdminService(w.as.server.context)
    const { secret } = await service.createClient({ type: 'cli', id: 't' }, { clientId: 'soon-disabled' })
    await service.setClientEnabled({ type: 'cli', id: 't' }, 'soon-disabled', false)
    const res = await postForm(
      w.as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await w.idJag() },
      { basic: ['soon-disabled', secret!] },
    )
    expect(res.status).toBe(401)
    expect((await auditOf(w.as.store, res))[0]?.reason).toBe('ERR_CLIENT_DISABLED')
  })
})

describe('2(d).11 [#25] DPoP', () => {
  test('a proof whose key differs from cnf.jkt is refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const proof = await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: w.as.tokenUrl })
    const res = await postForm(
      w.as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await w.idJag({ cnf: { jkt: 'A'.repeat(43) } }) },
      { basic: basic(), headers: { DPoP: proof } },
    )
    expect(res.status).toBe(400)
    expect((await auditOf(w.as.store, res))[0]).toMatchObject({ reason: 'ERR_ID_JAG_CNF' })
  })

  test('jwt-dpop without a proof, a proof for another URL, a malformed proof → invalid_dpop_proof', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const wrongHtu = await createDpopProof({
      privateKey,
      publicKey,
      htm: 'POST',
      htu: 'https://elsewhere.example/token',
    })
    for (const [grant, headers] of [
      [GRANT_TYPE_JWT_DPOP, {}],
      [GRANT_TYPE_JWT_BEARER, { DPoP: wrongHtu }],
      [GRANT_TYPE_JWT_BEARER, { DPoP: 'not.a.proof' }],
    ] as const) {
      const res = await postForm(
        w.as.tokenUrl,
        { grant_type: grant, assertion: await w.idJag() },
        { basic: basic(), headers },
      )
      expect(res.status).toBe(400)
      expect((await readJson(res)).error).toBe('invalid_dpop_proof')
    }
  })

  test('a DPoP proof without cnf binds the token (RFC 9449 case "no cnf + DPoP")', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const proof = await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: w.as.tokenUrl })
    const res = await postForm(
      w.as.tokenUrl,
      { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await w.idJag() },
      { basic: basic(), headers: { DPoP: proof } },
    )
    expect((await readJson(res)).token_type).toBe('DPoP')
    expect(await exportJWK(publicKey)).toBeTruthy()
  })
})

describe('bad input is an OAuth error, never a 500', () => {
  const cases: [string, RequestInit][] = [
    ['no body', { method: 'POST' }],
    ['JSON body', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"x"}' }],
    [
      'bad percent-encoding',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=%zz' },
    ],
    [
      'invalid UTF-8',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]),
      },
    ],
    [
      'huge body',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${'x'.repeat(200_000)}`,
      },
    ],
    [
      'garbage Basic header',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ###' },
        body: 'grant_type=x',
      },
    ],
    [
      'Bearer instead of Basic',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer abc' },
        body: 'grant_type=x',
      },
    ],
  ]
  for (const [name, init] of cases) {
    test(name, async () => {
      const res = await fetch(w.as.tokenUrl, init)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      const text = await res.text()
      expect(JSON.parse(text).error).toMatch(/^invalid_(request|client)$/)
      expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/)
    })
  }

  test('assertions that are not JWTs, or JWTs of nonsense, → invalid_grant', async () => {
    for (const assertion of [
      'x',
      'a.b.c',
      'e30.e30.',
      `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('[]').toString('base64url')}.AA`,
      '\u00e9'.repeat(10),
    ]) {
      const res = await postForm(w.as.tokenUrl, { grant_type: GRANT_TYPE_JWT_BEARER, assertion }, { basic: basic() })
      expect(res.status).toBe(400)
      expect((await readJson(res)).error).toBe('invalid_grant')
    }
  })

  test('GET on the token endpoint → 405 with Allow: POST', async () => {
    const res = await fetch(w.as.tokenUrl)
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
  })

  test('a CIMD client_id that is not https is refused as invalid_client', async () => {
    const res = await postForm(w.as.tokenUrl, {
      grant_type: GRANT_TYPE_JWT_BEARER,
      assertion: 'x',
      client_id: 'ftp://c.example/x',
    })
    expect(res.status).toBe(401)
    expect((await auditOf(w.as.store, res))[0]?.reason).toBe('ERR_CLIENT_METADATA_DOCUMENT')
  })
})
