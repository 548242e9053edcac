// The whole flow on loopback: one sign-in, tools on two vendors' MCP servers, renewal after expiry by a fresh ID-JAG,
// ID-token refresh, step-up, and the refusals that end it (refresh refused, user disabled).

import { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SignInRequiredError, type XaaClient, XaaError } from '../src/index.js'
import { createXaaTransport } from '../src/mcp-v2/index.js'
import { AS_A_CLIENT, AS_B_CLIENT, startWorld, type World } from './fixtures/world.js'

let world: World
let xaa: XaaClient
let browserOpens = 0

async function callTool(url: string, name: string, args: Record<string, unknown> = {}) {
  const mcp = new Client({ name: 'flow-test', version: '1.0.0' })
  await mcp.connect(createXaaTransport(xaa, url))
  try {
    return await mcp.callTool({ name, arguments: args })
  } finally {
    await mcp.close()
  }
}

const text = (result: Awaited<ReturnType<typeof callTool>>) =>
  (result.content as { type: string; text?: string }[]).map((c) => c.text).join('')

beforeAll(async () => {
  world = await startWorld()
  xaa = world.client(
    {},
    {
      openBrowser: async (url) => {
        browserOpens++
        await world.openBrowser(url)
      },
    },
  )
})
afterAll(() => world.close())

describe('one sign-in, two MCP servers', () => {
  test('2(a) sign-in by authorization code + PKCE through the loopback redirect', async () => {
    const identity = await xaa.signIn()
    expect(identity).toMatchObject({
      issuer: world.idp.issuer,
      subject: 'u-alice',
      email: 'alice@acme.example',
      renewable: true,
    })
    expect(browserOpens).toBe(1)
  })

  test('vendor A: 401 → PRM → AS metadata → token exchange → jwt-bearer (basic) → tools', async () => {
    const mcp = new Client({ name: 'flow-test', version: '1.0.0' })
    await mcp.connect(createXaaTransport(xaa, world.mcpA.mcpUrl))
    const { tools } = await mcp.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'whoami', 'write'])
    expect(text(await mcp.callTool({ name: 'whoami', arguments: {} }))).toBe('u-alice')
    await mcp.close()
    expect(world.idp.exchanges).toEqual([
      {
        clientId: 'agent',
        audience: world.asA.issuer,
        resources: [world.mcpA.mcpUrl],
        scopes: ['files:read'],
        subjectSub: 'u-alice',
      },
    ])
    expect(world.asA.redemptions).toEqual([
      expect.objectContaining({
        clientId: AS_A_CLIENT.id,
        method: 'client_secret_basic',
        audience: world.asA.issuer,
        resources: [world.mcpA.mcpUrl],
        scopes: ['files:read'],
        ok: true,
      }),
    ])
  })

  test('vendor B: PRM only through resource_metadata, AS issuer with a path, client_secret_post; no second sign-in', async () => {
    expect(text(await callTool(world.mcpB.mcpUrl, 'echo', { text: 'hello B' }))).toBe('hello B')
    expect(browserOpens).toBe(1)
    expect(world.asB.redemptions).toEqual([
      expect.objectContaining({
        clientId: AS_B_CLIENT.id,
        method: 'client_secret_post',
        audience: world.asB.issuer,
        ok: true,
      }),
    ])
    // An ID-JAG is only ever presented to the AS it names, and each AS only sees its own client id.
    for (const r of world.asA.redemptions)
      expect(r).toMatchObject({ audience: world.asA.issuer, clientId: AS_A_CLIENT.id })
    for (const r of world.asB.redemptions)
      expect(r).toMatchObject({ audience: world.asB.issuer, clientId: AS_B_CLIENT.id })
  })

  test('cached access tokens are reused until shortly before expiry', async () => {
    const before = world.idp.exchanges.length
    await callTool(world.mcpA.mcpUrl, 'echo', { text: 'again' })
    expect(world.idp.exchanges.length).toBe(before)
  })

  test('decision 1: after expiry the token is renewed by a fresh ID-JAG, before any 401', async () => {
    const exchanges = world.idp.exchanges.length
    const seen = world.mcpA.seen.length
    world.clock.advance(250) // 300 s tokens, 60 s margin
    await callTool(world.mcpA.mcpUrl, 'echo', { text: 'renewed' })
    expect(world.idp.exchanges.length).toBe(exchanges + 1)
    expect(world.mcpA.seen.slice(seen).every((s) => s.status === 200)).toBe(true)
    expect(world.asA.redemptions.filter((r) => r.ok).length).toBe(2)
  })

  test('2(d) refresh: an expired ID token is renewed through the IdP refresh token, silently', async () => {
    world.clock.advance(600)
    await callTool(world.mcpB.mcpUrl, 'echo', { text: 'after refresh' })
    expect(world.idp.refreshes).toBe(1)
    expect(browserOpens).toBe(1)
  })

  test('MCP step-up: 403 insufficient_scope → exchange with the union of scopes → retry', async () => {
    expect(text(await callTool(world.mcpA.mcpUrl, 'write', { path: '/report.txt' }))).toBe('wrote /report.txt')
    expect(world.idp.exchanges.at(-1)?.scopes).toEqual(['files:read', 'files:write'])
  })

  test('step-up is bounded: scopes withheld by policy end in the 403, not a loop', async () => {
    const fresh = world.client({}, { openBrowser: world.openBrowser })
    await fresh.signIn()
    world.asA.withheldScopes = ['files:write']
    const exchanges = world.idp.exchanges.length
    const mcp = new Client({ name: 'flow-test', version: '1.0.0' })
    await mcp.connect(createXaaTransport(fresh, world.mcpA.mcpUrl))
    await expect(mcp.callTool({ name: 'write', arguments: { path: '/x' } })).rejects.toThrow(/insufficient|403|scope/i)
    await mcp.close()
    // the first token, then one step-up that the AS narrowed; asking again would not help
    expect(world.idp.exchanges.length - exchanges).toBe(2)
    world.asA.withheldScopes = []
  })
})

describe('when renewal is impossible', () => {
  test('refresh refused → SignInRequiredError(refresh-failed); the message holds no token', async () => {
    world.clock.advance(900)
    world.idp.refreshRefused = true
    const error = await xaa.getAccessToken(world.mcpB.mcpUrl).catch((e) => e)
    expect(error).toBeInstanceOf(SignInRequiredError)
    expect(error).toMatchObject({
      code: 'ERR_SIGN_IN_REQUIRED',
      reason: 'refresh-failed',
      oauthError: 'invalid_grant',
      kind: 'sign-in',
    })
    expect(error.message).toContain('(the IdP said: the refresh token is invalid)')
    expect(world.tokens.leakIn(`${error.message} ${error.stack}`)).toBeUndefined()
    world.idp.refreshRefused = false
  })

  test('user disabled at the IdP: the next fresh token fails with the IdP reason', async () => {
    await xaa.signIn()
    await xaa.getAccessToken(world.mcpA.mcpUrl, { renew: true })
    world.idp.users.get('u-alice')!.disabled = true
    const error = await xaa.getAccessToken(world.mcpA.mcpUrl, { renew: true }).catch((e) => e)
    expect(error).toBeInstanceOf(XaaError)
    expect(error).toMatchObject({ code: 'ERR_ACCESS_DENIED', kind: 'policy', oauthError: 'access_denied' })
    expect(error.message).toMatch(/the IdP token exchange refused \(access_denied\): the user is disabled/)
    world.idp.users.get('u-alice')!.disabled = false
  })

  test('no session at all → SignInRequiredError(no-session)', async () => {
    const stranger = world.client()
    await expect(stranger.getAccessToken(world.mcpA.mcpUrl)).rejects.toMatchObject({ reason: 'no-session' })
  })
})
