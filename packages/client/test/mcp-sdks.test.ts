// The MCP SDK integrations (v2 AuthProvider, v2 and v1 transports), and an interoperability test against code
// nobody here wrote: the v2 SDK's own CrossAppAccessProvider, given ID-JAGs from our test IdP, reaching our test MCP
// server through our test AS.

import {
  Client,
  CrossAppAccessProvider,
  requestJwtAuthorizationGrant,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { XaaClient } from '../src/index.js'
import { createXaaTransport as createV1Transport } from '../src/mcp-v1/index.js'
import { createXaaAuthProvider } from '../src/mcp-v2/index.js'
import { AS_A_CLIENT, IDP_CLIENT, startWorld, type World } from './fixtures/world.js'

let world: World
let xaa: XaaClient
beforeAll(async () => {
  world = await startWorld()
  xaa = world.client()
  await xaa.signIn()
})
afterAll(() => world.close())

const texts = (result: object) =>
  ((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text).join('')

test('v2: createXaaAuthProvider answers the 401 and supplies the token', async () => {
  const mcp = new Client({ name: 'v2-auth-provider', version: '1.0.0' })
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(world.mcpA.mcpUrl), {
      authProvider: createXaaAuthProvider(xaa, world.mcpA.mcpUrl),
    }),
  )
  expect((await mcp.listTools()).tools.map((t) => t.name)).toContain('echo')
  expect(texts(await mcp.callTool({ name: 'echo', arguments: { text: 'via AuthProvider' } }))).toBe('via AuthProvider')
  await mcp.close()
})

test('v1 (@modelcontextprotocol/sdk): createXaaTransport is the one option', async () => {
  const mcp = new ClientV1({ name: 'v1-client', version: '1.0.0' })
  await mcp.connect(createV1Transport(xaa, world.mcpB.mcpUrl))
  const result = await mcp.callTool({ name: 'echo', arguments: { text: 'via v1' } })
  expect(texts(result)).toBe('via v1')
  await mcp.close()
})

test('interop: the v2 SDK CrossAppAccessProvider with ID-JAGs from our IdP reaches our MCP server through our AS', async () => {
  const idToken = await world.idp.idTokenFor('u-alice', IDP_CLIENT.id)
  const contexts: { authorizationServerUrl: string; resourceUrl: string }[] = []
  const provider = new CrossAppAccessProvider({
    assertion: async (ctx) => {
      contexts.push({ authorizationServerUrl: ctx.authorizationServerUrl, resourceUrl: ctx.resourceUrl })
      const grant = await requestJwtAuthorizationGrant({
        tokenEndpoint: `${world.idp.issuer}/token`,
        audience: ctx.authorizationServerUrl,
        resource: ctx.resourceUrl,
        idToken,
        clientId: IDP_CLIENT.id,
        clientSecret: IDP_CLIENT.secret,
        ...(ctx.scope === undefined ? {} : { scope: ctx.scope }),
        fetchFn: ctx.fetchFn,
      })
      return grant.jwtAuthGrant
    },
    clientId: AS_A_CLIENT.id,
    clientSecret: AS_A_CLIENT.secret,
    expectedIssuer: world.asA.issuer,
  })
  const before = world.asA.redemptions.length
  const mcp = new Client({ name: 'sdk-cross-app-access', version: '1.0.0' })
  await mcp.connect(new StreamableHTTPClientTransport(new URL(world.mcpA.mcpUrl), { authProvider: provider }))
  expect(texts(await mcp.callTool({ name: 'whoami', arguments: {} }))).toBe('u-alice')
  await mcp.close()
  expect(contexts[0]).toEqual({ authorizationServerUrl: world.asA.issuer, resourceUrl: world.mcpA.mcpUrl })
  expect(world.asA.redemptions.slice(before)).toContainEqual(
    expect.objectContaining({ clientId: AS_A_CLIENT.id, method: 'client_secret_basic', ok: true }),
  )
})
