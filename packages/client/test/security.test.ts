// Client-side security rules of xaa-protocol.md section 4 (items 30-35) and section 6, each as an attack that must
// be refused before anything is sent where it must not go. Every message and log line is checked for tokens.

import { generateKeyPair } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { ASSUME_ID_JAG_PROFILE, type XaaClient, XaaError } from '../src/index.js'
import { startTestMcpServer } from './fixtures/mcp-server.js'
import { AS_A_CLIENT, AS_B_CLIENT, startWorld, type World } from './fixtures/world.js'

let world: World
const messages: string[] = []

async function signedIn(options: Parameters<World['client']>[0] = {}): Promise<XaaClient> {
  const xaa = world.client(options)
  await xaa.signIn()
  return xaa
}

async function refusal(promise: Promise<unknown>): Promise<XaaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(XaaError)
  const e = error as XaaError
  messages.push(e.message, String(e.stack), e.serverDescription ?? '')
  return e
}

beforeAll(async () => {
  world = await startWorld()
})
afterEach(() => {
  world.asA.issuerInMetadata = undefined
  world.asA.hideProfile = false
  world.mcpA.resourceOverride = undefined
  world.idp.audienceOverride = undefined
  world.idp.dropCnf = false
  world.idp.echoSubjectToken = false
})
afterAll(async () => {
  // [#31] no token of any kind in any message, stack or log line produced by this file
  const text = [...messages, ...world.logs].join('\n')
  expect(world.tokens.all.size).toBeGreaterThan(5)
  expect(world.tokens.leakIn(text)).toBeUndefined()
  for (const secret of [AS_A_CLIENT.secret, AS_B_CLIENT.secret, 'idp-secret-agent-0001'])
    expect(text).not.toContain(secret)
  await world.close()
})

describe('discovery refusals: nothing is exchanged at the IdP', () => {
  const attacks = [
    {
      name: 'RFC 8414 3.3 [#30] AS metadata names another issuer (mix-up)',
      arrange: () => {
        world.asA.issuerInMetadata = 'https://as.attacker.example'
      },
      code: 'ERR_AS_ISSUER_MISMATCH',
    },
    {
      name: 'RFC 9728 3.3 PRM resource names another server',
      arrange: () => {
        world.mcpA.resourceOverride = world.mcpB.mcpUrl
      },
      code: 'ERR_PRM_RESOURCE_MISMATCH',
    },
    {
      name: 'EMA 6 AS without the id-jag grant profile: clear error, no interactive fallback',
      arrange: () => {
        world.asA.hideProfile = true
      },
      code: 'ERR_XAA_PROFILE_MISSING',
    },
  ] as const
  for (const attack of attacks) {
    test(attack.name, async () => {
      const xaa = await signedIn()
      attack.arrange()
      const exchanges = world.idp.exchanges.length
      const redemptions = world.asA.redemptions.length
      const error = await refusal(xaa.fetch(world.mcpA.mcpUrl, { method: 'POST', body: '{}' }))
      expect(error).toMatchObject({ code: attack.code, kind: 'discovery' })
      expect(world.idp.exchanges.length).toBe(exchanges)
      expect(world.asA.redemptions.length).toBe(redemptions)
    })
  }

  test('the missing-profile message says why and that there is no fallback', async () => {
    const xaa = await signedIn()
    world.asA.hideProfile = true
    const error = await refusal(xaa.getAccessToken(world.mcpA.mcpUrl))
    expect(error.message).toContain('does not support cross-app access')
    expect(error.message).toContain('does not fall back to an interactive login')
  })

  test('ASSUME_ID_JAG_PROFILE (a named symbol) accepts an AS that lists jwt-bearer without the profile', async () => {
    world.asA.hideProfile = true
    const xaa = await signedIn({
      authorizationServers: {
        [world.asA.issuer]: {
          clientId: AS_A_CLIENT.id,
          clientSecret: AS_A_CLIENT.secret,
          [ASSUME_ID_JAG_PROFILE]: true,
        },
      },
    })
    await expect(xaa.getAccessToken(world.mcpA.mcpUrl)).resolves.toMatchObject({ issuer: world.asA.issuer })
  })
})

describe('credentials and ID-JAGs stay with their AS', () => {
  test("[#33] no registration at the AS: refused, and B's credentials are never tried at A", async () => {
    const xaa = await signedIn({
      authorizationServers: { [world.asB.issuer]: { clientId: AS_B_CLIENT.id, clientSecret: AS_B_CLIENT.secret } },
    })
    const before = world.asA.redemptions.length
    const error = await refusal(xaa.getAccessToken(world.mcpA.mcpUrl))
    expect(error).toMatchObject({ code: 'ERR_NO_AS_CREDENTIALS', kind: 'config' })
    expect(error.message).toContain(world.asA.issuer)
    expect(world.asA.redemptions.length).toBe(before)
  })

  test('[#34] an ID-JAG minted for another AS is never presented anywhere', async () => {
    const xaa = await signedIn()
    world.idp.audienceOverride = world.asB.issuer
    const a = world.asA.redemptions.length
    const b = world.asB.redemptions.length
    const error = await refusal(xaa.getAccessToken(world.mcpA.mcpUrl))
    expect(error).toMatchObject({ code: 'ERR_ID_JAG_AUDIENCE' })
    expect([world.asA.redemptions.length, world.asB.redemptions.length]).toEqual([a, b])
  })

  test('[#30] audience is the validated AS issuer and resource the PRM resource', async () => {
    const xaa = await signedIn()
    await xaa.getAccessToken(world.mcpB.mcpUrl)
    expect(world.idp.exchanges.at(-1)).toMatchObject({ audience: world.asB.issuer, resources: [world.mcpB.mcpUrl] })
  })
})

describe('DPoP (2(g))', () => {
  test('a bound ID-JAG, a DPoP access token and a proof on every MCP request', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const xaa = await signedIn({ dpop: { privateKey, publicKey } })
    const token = await xaa.getAccessToken(world.mcpA.mcpUrl)
    expect(token.tokenType).toBe('DPoP')
    const response = await xaa.fetch(world.mcpA.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    })
    expect(response.status).toBe(200)
    expect(world.mcpA.seen.at(-1)).toMatchObject({ scheme: 'DPoP', status: 200 })
  })

  test('[#32] downgrade: an ID-JAG without the expected cnf is not used', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const xaa = await signedIn({ dpop: { privateKey, publicKey } })
    world.idp.dropCnf = true
    const before = world.asA.redemptions.length
    const error = await refusal(xaa.getAccessToken(world.mcpA.mcpUrl))
    expect(error).toMatchObject({ code: 'ERR_ID_JAG_DOWNGRADE', kind: 'server' })
    expect(world.asA.redemptions.length).toBe(before)
  })
})

describe('what real servers do differently', () => {
  test('PRM only at the path-inserted well-known URI (no resource_metadata), scope from scopes_supported', async () => {
    world.mcpA.metadataInChallenge = false
    world.mcpA.scopeInChallenge = false
    try {
      const xaa = await signedIn()
      const response = await xaa.fetch(world.mcpA.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      })
      expect(response.status).toBe(200)
      expect(world.idp.exchanges.at(-1)?.scopes).toEqual(['files:read', 'files:write'])
    } finally {
      world.mcpA.metadataInChallenge = true
      world.mcpA.scopeInChallenge = true
    }
  })

  test('PRM only at the root well-known URI (no resource_metadata, no path-inserted document): found there', async () => {
    const root = await startTestMcpServer({ clock: world.clock, as: world.asA, name: 'root PRM only', prm: 'root' })
    root.metadataInChallenge = false
    world.asA.resources.push(root.mcpUrl)
    world.idp.resources[world.asA.issuer]!.push(root.mcpUrl)
    const fetched: string[] = []
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      fetched.push(`${res.status} ${String(input instanceof Request ? input.url : input)}`)
      return res
    }
    try {
      const xaa = world.client({}, { fetch: recording })
      await xaa.signIn()
      const response = await xaa.fetch(root.mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      })
      expect(response.status).toBe(200)
      // the path-inserted URI first (404), then the root one (200), then the AS's metadata
      const path = fetched.indexOf(`404 ${root.url}/.well-known/oauth-protected-resource/mcp`)
      const rootAt = fetched.indexOf(`200 ${root.url}/.well-known/oauth-protected-resource`)
      expect(path).toBeGreaterThanOrEqual(0)
      expect(rootAt).toBeGreaterThan(path)
      expect(world.idp.exchanges.at(-1)?.resources).toEqual([root.mcpUrl])
    } finally {
      await root.close()
    }
  })

  test('[#31] a hostile IdP echoing the subject token in error_description: the message is redacted', async () => {
    const xaa = await signedIn()
    world.idp.echoSubjectToken = true
    const error = await refusal(xaa.getAccessToken(world.mcpA.mcpUrl))
    expect(error).toMatchObject({ code: 'ERR_ACCESS_DENIED', oauthError: 'invalid_scope' })
    expect(error.message).toContain('[redacted]')
  })

  test('wrong IdP client secret: invalid_client is a configuration error', async () => {
    const xaa = world.client({
      idp: { issuer: world.idp.issuer, clientId: 'agent', auth: { clientSecret: 'wrong-secret' } },
    })
    const error = await refusal(xaa.signIn())
    expect(error).toMatchObject({ code: 'ERR_CONFIG', oauthError: 'invalid_client' })
  })
})
