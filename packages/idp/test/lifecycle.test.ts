import {
  ALLOW_ID_JAG_REPRESENTATION,
  createDpopProof,
  createJwksCache,
  TOKEN_TYPE_REFRESH_TOKEN,
  verifyIdJag,
} from '@openxaa/protocol'
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { operations } from '../src/index.js'
import { Browser } from './support/browser.js'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  type Harness,
  REDIRECT_URI,
  signIn,
  startHarness,
  TENANT,
} from './support/harness.js'

describe('refresh tokens, disabling, blocks, key rotation, DPoP', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h?.close())
  const chat = (subject_token: string, type?: string) => ({
    audience: CHAT_ISSUER,
    resource: CHAT_MCP,
    subject_token,
    ...(type ? { subject_token_type: type } : {}),
  })

  test('the refresh-token path: ID-JAGs after the ID token expired; none once the user is disabled', async () => {
    const browser = new Browser()
    const tokens = await signIn(h, h.clients.agent, { username: 'carol', browser })
    const saved = h.clock.offset
    try {
      h.clock.advance(2 * 3600)
      const expired = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
      expect(expired).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
      const viaRefresh = await exchange(h, chat(tokens.refresh_token!, TOKEN_TYPE_REFRESH_TOKEN), {
        client: h.clients.agent,
      })
      expect(viaRefresh.status).toBe(200)
      expect(decodeJwt(String(viaRefresh.body.access_token))).toMatchObject({ sub: h.users.carol, tenant: TENANT })
    } finally {
      h.clock.offset = saved
    }

    await operations.setUserStatus(h.admin, h.users.carol, 'disabled')
    const refused = await exchange(h, chat(tokens.refresh_token!, TOKEN_TYPE_REFRESH_TOKEN), {
      client: h.clients.agent,
    })
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    const byIdToken = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    expect(byIdToken).toMatchObject({ status: 400, body: { error: 'access_denied' } })
    // The sign-in session is gone too: the same browser is asked to sign in again, and carol cannot.
    const again = await browser.follow(
      `${h.issuer}/auth?${new URLSearchParams({ client_id: 'agent', response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
      REDIRECT_URI,
    )
    expect(again.res?.status).toBe(200)
    expect(await again.res?.text()).toContain('name="password"')
    await expect(signIn(h, h.clients.agent, { username: 'carol' })).rejects.toThrow(/did not complete/)
    const events = await h.store.audit.query({
      userId: h.users.carol,
      action: ['admin.user.disable', 'admin.user.revoke_sessions', 'sign_in'],
    })
    expect(events.events.map((e) => `${e.action}:${e.decision}:${e.reason ?? ''}`)).toEqual(
      expect.arrayContaining([
        'admin.user.disable:change:',
        'admin.user.revoke_sessions:change:',
        'sign_in:deny:ERR_USER_DISABLED',
      ]),
    )
    await operations.setUserStatus(h.admin, h.users.carol, 'active')
  })

  test('disabling a connection and adding a block stop issuance at once; lifting them restores it', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const ok = () => exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    expect((await ok()).status).toBe(200)
    const connection = await h.store.idp.connections.find('agent', h.apps.chat, CHAT_MCP)
    await operations.updateConnection(h.admin, connection!.id, { enabled: false })
    expect((await ok()).body.error).toBe('access_denied')
    await operations.updateConnection(h.admin, connection!.id, { enabled: true })
    expect((await ok()).status).toBe(200)
    const block = await operations.createBlock(h.admin, {
      kind: 'application',
      target: h.apps.chat,
      until: h.clock.now + 60_000,
    })
    expect((await ok()).body.error).toBe('access_denied')
    h.clock.advance(61)
    expect((await ok()).status).toBe(200)
    h.clock.advance(-61)
    await operations.deleteBlock(h.admin, block.id)
  })

  test('key rotation: new ID-JAGs carry the new kid; old ones verify until they expire; replicas notice', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const before = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    const oldJag = String(before.body.access_token)
    const oldKid = decodeProtectedHeader(oldJag).kid
    expect(decodeProtectedHeader(tokens.id_token).kid).toBe(oldKid)

    // Rotated from outside this IdP instance (the CLI, or another replica), with the default timing: the new key is
    // published at once and signs 60 s later, so that verifiers hold it before its first token.
    const rotated = await operations.rotateKeys(h.admin)
    expect(rotated.kid).not.toBe(oldKid)
    expect(rotated).toMatchObject({ status: 'next', activateAt: expect.any(Number) })
    expect(rotated.activateAt - h.clock.now).toBeGreaterThan(59_000)
    const published = (await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(published.keys.map((k) => k.kid)).toEqual([oldKid, rotated.kid])
    const during = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    expect(decodeProtectedHeader(String(during.body.access_token)).kid).toBe(oldKid)
    h.clock.advance(60)
    // The ID token signed with the old key is still a valid subject token.
    const after = await exchange(h, chat(tokens.id_token), { client: h.clients.agent })
    expect(after.status).toBe(200)
    const newJag = String(after.body.access_token)
    expect(decodeProtectedHeader(newJag).kid).toBe(rotated.kid)

    const keys = createJwksCache({ uri: `${h.issuer}/jwks` })
    const ctx = (now: number): Parameters<typeof verifyIdJag>[1] => ({
      issuer: CHAT_ISSUER,
      trustedIssuer: (iss: string) => (iss === h.issuer ? { issuer: iss, keys } : undefined),
      clientId: 'f53f191f9311af35',
      resources: [CHAT_MCP],
      replay: ALLOW_ID_JAG_REPRESENTATION,
      now,
    })
    const now = Math.floor(h.clock.now / 1000)
    await expect(verifyIdJag(oldJag, ctx(now))).resolves.toMatchObject({ header: { kid: oldKid } })
    await expect(verifyIdJag(newJag, ctx(now))).resolves.toMatchObject({ header: { kid: rotated.kid } })
    await expect(verifyIdJag(oldJag, ctx(now + 301 + 60))).rejects.toMatchObject({ code: 'ERR_ID_JAG_EXPIRED' })

    // The provider signing ID tokens picks the new key up at its next key check (keyCheckInterval 5 s).
    h.clock.advance(6)
    const fresh = await signIn(h, h.clients.agent)
    expect(decodeProtectedHeader(fresh.id_token).kid).toBe(rotated.kid)
    h.clock.advance(-6)
    const jwks = (await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid])
    h.clock.advance(-60)
  })

  test('2(g) [#13] a DPoP proof binds the ID-JAG: cnf.jkt is the proof key thumbprint', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const proof = await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: `${h.issuer}/token` })
    const res = await exchange(h, chat(tokens.id_token), { client: h.clients.agent }, { DPoP: proof })
    expect(res.status).toBe(200)
    const jkt = await calculateJwkThumbprint(await exportJWK(publicKey))
    expect(decodeJwt(String(res.body.access_token)).cnf).toEqual({ jkt })
    const replayed = await exchange(h, chat(tokens.id_token), { client: h.clients.agent }, { DPoP: proof })
    expect(replayed).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } })
    const wrongHtu = await createDpopProof({ privateKey, publicKey, htm: 'POST', htu: `${h.issuer}/other` })
    const bad = await exchange(h, chat(tokens.id_token), { client: h.clients.agent }, { DPoP: wrongHtu })
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } })
  })
})
