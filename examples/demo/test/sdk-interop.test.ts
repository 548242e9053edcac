// Issue 7's interoperability test on the real servers: the MCP SDK v2's own CrossAppAccessProvider (code nobody here
// wrote) takes an ID-JAG that the real IdP issued and reaches the real notes MCP server through the real notes AS.
// Our SDK only signs alice in (to get an ID token); the exchange, discovery, redemption and MCP calls are the SDK's.
import {
  Client,
  CrossAppAccessProvider,
  type FetchLike,
  requestJwtAuthorizationGrant,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore } from '@openxaa/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CLI_CLIENT, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

const notes = VENDORS.find((v) => v.key === 'notes')!
const alice = userNamed('alice')
let demo: Awaited<ReturnType<typeof startTestDemo>>
let idToken: string

beforeAll(async () => {
  demo = await startTestDemo(new TestClock())
  const { urls, secrets } = demo.state
  const store = new MemoryTokenStore()
  const xaa = createXaaClient(
    { idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } } },
    { store, openBrowser: (url) => signInAtBrowser(url, alice.username, alice.password) },
  )
  await xaa.signIn()
  idToken = (await store.read())!.session!.idToken
}, 60_000)
afterAll(() => demo.close())

describe('CrossAppAccessProvider of @modelcontextprotocol/client 2.x against the real IdP, AS and MCP server', () => {
  test('an ID-JAG from our IdP, redeemed at our notes AS, lists and calls tools on the notes MCP server', async () => {
    const { urls, secrets } = demo.state
    const seen: string[] = []
    const recording: FetchLike = async (url, init) => {
      const res = await fetch(url, init)
      seen.push(`${init?.method ?? 'GET'} ${String(url)} ${res.status}`)
      return res
    }
    const contexts: { authorizationServerUrl: string; resourceUrl: string; scope?: string }[] = []
    const provider = new CrossAppAccessProvider({
      assertion: async (ctx) => {
        contexts.push({
          authorizationServerUrl: ctx.authorizationServerUrl,
          resourceUrl: ctx.resourceUrl,
          scope: ctx.scope,
        })
        // The SDK's own token-exchange request (RFC 8693) at the real IdP's token endpoint.
        const grant = await requestJwtAuthorizationGrant({
          tokenEndpoint: `${urls.idp}/token`,
          audience: ctx.authorizationServerUrl,
          resource: ctx.resourceUrl,
          idToken,
          clientId: CLI_CLIENT,
          clientSecret: secrets.idp[CLI_CLIENT]!,
          ...(ctx.scope === undefined ? {} : { scope: ctx.scope }),
          fetchFn: ctx.fetchFn,
        })
        return grant.jwtAuthGrant
      },
      clientId: notes.clientIds[CLI_CLIENT]!,
      clientSecret: secrets.vendors.notes[CLI_CLIENT]!,
      expectedIssuer: urls.notesAs,
    })
    const mcp = new Client({ name: 'sdk-cross-app-access', version: '1.0.0' })
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(urls.notesMcp), { authProvider: provider, fetch: recording }),
    )

    // The SDK followed our 401 to our PRM and our AS metadata, then redeemed at our AS's token endpoint.
    expect(seen[0]).toBe(`POST ${urls.notesMcp} 401`)
    expect(seen).toContain(`GET ${urls.notesMcp.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')} 200`)
    expect(seen.some((s) => s.startsWith(`GET ${urls.notesAs}/.well-known/oauth-authorization-server`))).toBe(true)
    expect(seen).toContain(`POST ${urls.notesAs}/token 200`)
    expect(contexts[0]).toMatchObject({ authorizationServerUrl: urls.notesAs, resourceUrl: urls.notesMcp })

    const { tools } = await mcp.listTools()
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['notes.create', 'notes.list']))
    const created = await mcp.callTool({ name: 'notes.create', arguments: { title: 'via the SDK', body: 'interop' } })
    expect(created.isError).not.toBe(true)
    const listed = await mcp.callTool({ name: 'notes.list', arguments: {} })
    const text = (listed.content as { text: string }[])[0]!.text
    expect(JSON.parse(text)).toEqual([expect.objectContaining({ title: 'via the SDK' })])
    await mcp.close()

    // Both ends are ours: the IdP audited the issuance to the notes AS for this resource, the AS the redemption.
    const issued = await demo.stores.idp.audit.query({
      action: 'id_jag.issue',
      decision: 'allow',
      audience: urls.notesAs,
    })
    expect(issued.events).toContainEqual(expect.objectContaining({ clientId: CLI_CLIENT, resource: urls.notesMcp }))
    const redeemed = await demo.stores.notes_as.audit.query({ action: 'id_jag.redeem', decision: 'allow' })
    expect(redeemed.events).toContainEqual(
      expect.objectContaining({ clientId: notes.clientIds[CLI_CLIENT], resource: urls.notesMcp }),
    )
  })
})
