// The token endpoint's happy paths over real loopback HTTP: claims of the access token, verification against the
// AS's JWKS, DPoP binding, account linking, scope narrowing, no refresh token, audit without tokens.
import {
  createDpopProof,
  createJwksCache,
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_JWT_DPOP,
  verifyAccessToken,
} from '@openxaa/protocol'
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { auditOf, postForm, readJson } from './support/as.js'
import { AGENT, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
beforeAll(async () => {
  w = await startWorld()
})
afterAll(() => w?.close())

function redeem(
  assertion: string,
  extra: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
) {
  return postForm(
    w.as.tokenUrl,
    { grant_type: GRANT_TYPE_JWT_BEARER, assertion, ...extra },
    { basic: [AGENT, w.secrets[AGENT]!], headers },
  )
}

describe('jwt-bearer grant', () => {
  test('2(d) an ID-JAG is redeemed for an RFC 9068 access token that verifies against the AS JWKS', async () => {
    const assertion = await w.idJag({ email: 'ann@acme.example' })
    const res = await redeem(assertion, { resource: RESOURCE })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('pragma')).toBe('no-cache')
    const body = await readJson(res)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'chat.read chat.history' })
    // Decision 4, checklist #26: never a refresh token.
    expect(body).not.toHaveProperty('refresh_token')

    const keys = createJwksCache({ uri: `${w.as.issuer}/jwks` })
    const { claims, header } = await verifyAccessToken(body.access_token, {
      issuer: w.as.issuer,
      audience: RESOURCE,
      keys,
    })
    expect(header.typ).toBe('at+jwt')
    expect(claims).toMatchObject({
      iss: w.as.issuer,
      aud: RESOURCE,
      client_id: AGENT,
      scope: 'chat.read chat.history',
      tenant: 'acme',
    })
    expect(claims.sub).toMatch(/^acct_/)
    expect(claims.exp - claims.iat).toBe(300)

    const [event] = await auditOf(w.as.store, res)
    expect(event).toMatchObject({
      action: 'id_jag.redeem',
      decision: 'allow',
      organization: 'acme',
      issuer: w.idp.issuer,
      clientId: AGENT,
      subject: 'U1',
      userId: claims.sub,
      resource: RESOURCE,
      redacted: 0,
    })
    // The event names the very token issued, by its jti and exp (never the token itself).
    expect(event?.data).toMatchObject({
      at: { jti: claims.jti, exp: claims.exp },
      idJag: { jti: decodeJwt(assertion).jti },
    })
    expect(JSON.stringify(event)).not.toContain(assertion)
    expect(JSON.stringify(event)).not.toContain(body.access_token)
  })

  test('2(d).10 the same subject maps to the same account; JIT created it once', async () => {
    const first = await readJson(await redeem(await w.idJag({ sub: 'U-same' })))
    const second = await readJson(await redeem(await w.idJag({ sub: 'U-same' })))
    const sub = (t: string) => decodeJwt(t).sub
    expect(sub(first.access_token)).toBe(sub(second.access_token))
  })

  test('2(d).13 [#22] scopes are narrowed by the request and by the resource, never broadened', async () => {
    // The request asks for more than the ID-JAG carries: only the overlap is granted.
    const narrowed = await redeem(await w.idJag({ scope: 'chat.read' }), { scope: 'chat.read chat.write' })
    expect((await readJson(narrowed)).scope).toBe('chat.read')
    // The ID-JAG carries a scope the resource does not define: dropped, and audited as dropped.
    const dropped = await redeem(await w.idJag({ scope: 'chat.read admin.everything' }))
    expect((await readJson(dropped)).scope).toBe('chat.read')
    const [event] = await auditOf(w.as.store, dropped)
    expect(event?.data).toMatchObject({ scopes: ['chat.read'], droppedScopes: ['admin.everything'] })
  })

  test('decision 8: a DPoP proof binds the token (cnf.jkt, token_type DPoP), also with the jwt-dpop alias', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = await exportJWK(publicKey)
    const jkt = await calculateJwkThumbprint(jwk)
    for (const grantType of [GRANT_TYPE_JWT_BEARER, GRANT_TYPE_JWT_DPOP]) {
      const proof = await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: w.as.tokenUrl })
      const res = await redeem(await w.idJag({ cnf: { jkt } }), { grant_type: grantType }, { DPoP: proof })
      expect(res.status).toBe(200)
      const body = await readJson(res)
      expect(body.token_type).toBe('DPoP')
      const payload = decodeJwt(body.access_token)
      expect(payload.cnf).toEqual({ jkt })
    }
  })
})
