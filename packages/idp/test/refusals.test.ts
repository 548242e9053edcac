import { buildBasicAuthorization, TOKEN_TYPE_REFRESH_TOKEN } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  CHAT_ISSUER,
  CHAT_MCP,
  exchange,
  FILES_ADMIN_MCP,
  FILES_ISSUER,
  FILES_MCP,
  type Harness,
  signIn,
  startHarness,
  type TokenSet,
} from './support/harness.js'

// Every refusal of the token exchange, 2(b) with the codes of project decision 3: the public answer (status and
// `error`) and the private reason (the audit event's `reason`) together, and never a token in either.
describe('token exchange refusals', () => {
  let h: Harness
  let alice: TokenSet
  let aliceAtOther: TokenSet
  let bob: TokenSet
  let carol: TokenSet

  beforeAll(async () => {
    h = await startHarness()
    ;[alice, aliceAtOther, bob, carol] = await Promise.all([
      signIn(h, h.clients.agent),
      signIn(h, h.clients.other),
      signIn(h, h.clients.agent, { username: 'bob' }),
      signIn(h, h.clients.agent, { username: 'carol' }),
    ])
  })
  afterAll(() => h?.close())

  async function lastDecision(clientId?: string) {
    // Newest by insertion (id), not by time: some rows are written under a clock moved forward.
    const page = await h.store.audit.query({ action: 'id_jag.issue', ...(clientId ? { clientId } : {}), limit: 100 })
    return page.events.reduce((a, b) => (b.id > a.id ? b : a))
  }

  type Auth = Parameters<typeof exchange>[2]
  interface Attack {
    name: string
    params: () => Record<string, string | string[]>
    auth?: () => Auth
    status: number
    error: string
    reason: string
    extra?: Record<string, unknown>
    /** What the public description must say, when it is the caller's only way to know why. */
    description?: RegExp
    setup?: () => Promise<unknown>
    teardown?: () => Promise<unknown>
  }

  const chat = () => ({ audience: CHAT_ISSUER, resource: CHAT_MCP, subject_token: alice.id_token })
  let saved = 0
  const attacks: Attack[] = [
    {
      name: '2(b).1 [#1] missing client authentication',
      params: chat,
      auth: () => ({ none: true }),
      status: 401,
      error: 'invalid_client',
      reason: 'ERR_CLIENT_AUTH_MISSING',
    },
    {
      name: '2(b).1 [#1] wrong client secret',
      params: chat,
      auth: () => ({ client: { clientId: 'agent', secret: 'not-the-secret' } }),
      status: 401,
      error: 'invalid_client',
      reason: 'ERR_CLIENT_AUTH_FAILED',
    },
    {
      name: '2(b).1 client not enabled for cross-app access',
      params: () => ({ ...chat(), subject_token: alice.id_token }),
      auth: () => ({ client: h.clients.plain }),
      status: 400,
      error: 'unauthorized_client',
      reason: 'ERR_CLIENT_NOT_ENABLED',
    },
    {
      name: '2(b) [#4] wrong requested_token_type',
      params: () => ({ ...chat(), requested_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
      status: 400,
      error: 'invalid_request',
      reason: 'ERR_REQUESTED_TOKEN_TYPE',
    },
    {
      name: '2(b).2 [#2] ID token of another client',
      params: () => ({ ...chat(), subject_token: aliceAtOther.id_token }),
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_CLIENT',
    },
    {
      name: '2(b).2 expired ID token',
      params: chat,
      setup: async () => {
        saved = h.clock.offset
        h.clock.advance(3600 + 120)
      },
      teardown: async () => {
        h.clock.offset = saved
      },
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_EXPIRED',
    },
    {
      name: '2(b).2 forged subject token',
      params: () => ({ ...chat(), subject_token: `${alice.id_token.slice(0, -4)}AAAA` }),
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_INVALID',
    },
    {
      // The signature covers the payload: another subject under alice's valid header and signature is refused.
      name: '2(b).2 payload swapped under a valid signature',
      params: () => {
        const [head, body, sig] = alice.id_token.split('.')
        const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'))
        const swapped = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')
        return { ...chat(), subject_token: `${head}.${swapped}.${sig}` }
      },
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_INVALID',
    },
    {
      name: '2(b).2 ES256 signature of the wrong length',
      params: () => ({ ...chat(), subject_token: `${alice.id_token}AAAA` }),
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_INVALID',
    },
    {
      name: '2(b).2 [#3] refresh token of another client',
      params: () => ({
        ...chat(),
        subject_token: aliceAtOther.refresh_token!,
        subject_token_type: TOKEN_TYPE_REFRESH_TOKEN,
      }),
      status: 400,
      error: 'invalid_grant',
      reason: 'ERR_SUBJECT_TOKEN_CLIENT',
    },
    {
      name: '2(b).5 [#4] audience unknown',
      params: () => ({ ...chat(), audience: 'https://as.unknown.example' }),
      status: 400,
      error: 'invalid_target',
      reason: 'ERR_AUDIENCE_UNKNOWN',
    },
    {
      name: '2(b) [#6] several audiences',
      params: () => ({ ...chat(), audience: [CHAT_ISSUER, FILES_ISSUER] }),
      status: 400,
      error: 'invalid_target',
      reason: 'ERR_AUDIENCE_INVALID',
    },
    {
      name: '2(b).10 [#9] resource not governed by the audience',
      params: () => ({ ...chat(), resource: FILES_MCP }),
      status: 400,
      error: 'invalid_target',
      reason: 'ERR_RESOURCE_NOT_GOVERNED',
    },
    {
      name: 'decision 2: resource absent and the audience governs several',
      params: () => ({ audience: FILES_ISSUER, subject_token: alice.id_token }),
      status: 400,
      error: 'invalid_target',
      reason: 'ERR_RESOURCE_REQUIRED',
    },
    {
      name: '2(b).5 scope the resource does not offer',
      params: () => ({ ...chat(), scope: 'chat.read admin.everything' }),
      status: 400,
      error: 'invalid_scope',
      reason: 'ERR_SCOPE_UNKNOWN',
    },
    {
      name: '2(b).5 [#8] only scopes beyond the connection',
      params: () => ({ ...chat(), scope: 'chat.write' }),
      status: 400,
      error: 'invalid_scope',
      reason: 'ERR_SCOPE_NOT_ALLOWED',
    },
    {
      name: '2(b).4 no managed connection',
      params: () => ({ audience: FILES_ISSUER, resource: FILES_ADMIN_MCP, subject_token: alice.id_token }),
      status: 400,
      error: 'access_denied',
      reason: 'ERR_NO_CONNECTION',
    },
    {
      name: '2(b).4 connection disabled',
      params: chat,
      setup: () => setChatConnection(false),
      teardown: () => setChatConnection(true),
      status: 400,
      error: 'access_denied',
      reason: 'ERR_CONNECTION_DISABLED',
    },
    {
      name: '2(b).4 user not in the group',
      params: () => ({ ...chat(), subject_token: bob.id_token }),
      status: 400,
      error: 'access_denied',
      reason: 'ERR_USER_NOT_IN_GROUP',
    },
    {
      name: '2(b).4 user disabled',
      params: () => ({ ...chat(), subject_token: carol.id_token }),
      setup: () => h.store.idp.users.update(h.users.carol, { status: 'disabled' }),
      teardown: () => h.store.idp.users.update(h.users.carol, { status: 'active' }),
      status: 400,
      error: 'access_denied',
      reason: 'ERR_USER_DISABLED',
      // The client holds this user's valid ID token: it may learn why, and tell the user (issue 7).
      description: /user account is disabled/,
    },
    ...(['user', 'client', 'application'] as const).map(
      (kind): Attack => ({
        name: `2(b).4 ${kind} blocked`,
        params: chat,
        setup: async () => {
          const target = kind === 'user' ? h.users.alice : kind === 'client' ? 'agent' : h.apps.chat
          blockId = (await h.store.idp.blocks.create({ kind, target, createdBy: 'test' })).id
        },
        teardown: () => h.store.idp.blocks.delete(blockId),
        status: 400,
        error: 'access_denied',
        reason: 'ERR_BLOCKED',
      }),
    ),
    {
      name: '2(b).8 [#11] sign-in older than the connection allows',
      params: () => ({ audience: FILES_ISSUER, resource: FILES_MCP, subject_token: alice.id_token }),
      setup: async () => {
        saved = h.clock.offset
        h.clock.advance(601)
      },
      teardown: async () => {
        h.clock.offset = saved
      },
      status: 400,
      error: 'insufficient_user_authentication',
      reason: 'ERR_AUTH_TOO_OLD',
      extra: { max_age: 600 },
    },
  ]
  let blockId = ''

  async function setChatConnection(enabled: boolean) {
    const connection = await h.store.idp.connections.find('agent', h.apps.chat, CHAT_MCP)
    await h.store.idp.connections.update(connection!.id, { enabled })
  }

  for (const attack of attacks) {
    test(attack.name, async () => {
      await attack.setup?.()
      try {
        const auth: Auth = attack.auth?.() ?? { client: h.clients.agent }
        const params = attack.params()
        const res = await exchange(h, params, auth)
        expect(res.status).toBe(attack.status)
        expect(res.body.error).toBe(attack.error)
        expect(res.body.error_description).toBeTypeOf('string')
        expect(res.body.access_token).toBeUndefined()
        if (attack.extra) expect(res.body).toMatchObject(attack.extra)
        if (attack.description) expect(res.body.error_description).toMatch(attack.description)
        expect(res.headers.get('cache-control')).toBe('no-store')
        const event = await lastDecision()
        expect(event).toMatchObject({ decision: 'deny', reason: attack.reason })
        // No token in the answer nor in the audit event.
        const subject = String(params.subject_token)
        expect(JSON.stringify(res.body)).not.toContain(subject.slice(-20))
        expect(JSON.stringify(event)).not.toContain(subject.slice(-20))
      } finally {
        await attack.teardown?.()
      }
    })
  }

  test('2(b).5 [#8] scope beyond the connection is narrowed, not refused, and the grant echoed', async () => {
    const res = await exchange(h, { ...chat(), scope: 'chat.read chat.write' }, { client: h.clients.agent })
    expect(res.status).toBe(200)
    expect(res.body.scope).toBe('chat.read')
    expect(await lastDecision()).toMatchObject({ decision: 'allow', data: { narrowed: true, scope: 'chat.read' } })
  })

  test('an audience alias resolves to the issuer; without scope the connection maximum is granted and echoed', async () => {
    const res = await exchange(h, { audience: 'urn:chat', subject_token: alice.id_token }, { client: h.clients.agent })
    expect(res.status).toBe(200)
    expect(res.body.scope).toBe('chat.read chat.history')
    const payload = JSON.parse(Buffer.from(String(res.body.access_token).split('.')[1]!, 'base64url').toString())
    expect(payload).toMatchObject({ aud: CHAT_ISSUER, resource: CHAT_MCP })
  })

  test('2(b).2 [#3] a revoked refresh token yields nothing', async () => {
    const tokens = await signIn(h, h.clients.agent)
    const rt = tokens.refresh_token!
    const ok = await exchange(
      h,
      { ...chat(), subject_token: rt, subject_token_type: TOKEN_TYPE_REFRESH_TOKEN },
      { client: h.clients.agent },
    )
    expect(ok.status).toBe(200)
    const revoke = await fetch(`${h.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization('agent', h.clients.agent.secret),
      },
      body: new URLSearchParams({ token: rt, token_type_hint: 'refresh_token' }),
    })
    expect(revoke.status).toBe(200)
    const res = await exchange(
      h,
      { ...chat(), subject_token: rt, subject_token_type: TOKEN_TYPE_REFRESH_TOKEN },
      { client: h.clients.agent },
    )
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(await lastDecision()).toMatchObject({ decision: 'deny', reason: 'ERR_SUBJECT_TOKEN_REVOKED' })
  })

  test('client_secret_post is accepted like client_secret_basic', async () => {
    const res = await exchange(h, chat(), { client: h.clients.agent, method: 'post' })
    expect(res.status).toBe(200)
  })

  test('[#14] the IdP does not redeem ID-JAGs itself: no jwt-bearer grant at its token endpoint', async () => {
    const first = await exchange(h, chat(), { client: h.clients.agent })
    const res = await fetch(`${h.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization('agent', h.clients.agent.secret),
      },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: String(first.body.access_token),
      }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' })
  })

  test('an ID-JAG is never accepted as a subject token', async () => {
    const first = await exchange(h, chat(), { client: h.clients.agent })
    const res = await exchange(
      h,
      { ...chat(), subject_token: String(first.body.access_token) },
      { client: h.clients.agent },
    )
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(await lastDecision()).toMatchObject({ reason: 'ERR_SUBJECT_TOKEN_INVALID' })
  })
})
