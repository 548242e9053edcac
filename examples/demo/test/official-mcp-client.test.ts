// The official MCP client (@modelcontextprotocol/client 2.x) against the real servers of the demo. Issue 7's
// interoperability test: the SDK's own CrossAppAccessProvider (code nobody here wrote) takes an ID-JAG that the real
// IdP issued and reaches the real notes MCP server through the real notes AS; our SDK only signs alice in (to get an
// ID token), the exchange, discovery, redemption and MCP calls are the SDK's. Issue 6's "token for the other demo
// server": a real access token from the tasks AS for the tasks server is refused by the notes server.
import {
  type AuthProvider,
  Client,
  CrossAppAccessProvider,
  type FetchLike,
  requestJwtAuthorizationGrant,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore, type XaaClient } from '@openxaa/client'
import { parseWwwAuthenticate } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CLI_CLIENT, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

const notes = VENDORS.find((v) => v.key === 'notes')!
const tasks = VENDORS.find((v) => v.key === 'tasks')!
const alice = userNamed('alice')
let demo: Awaited<ReturnType<typeof startTestDemo>>
let idToken: string
let xaa: XaaClient

beforeAll(async () => {
  demo = await startTestDemo(new TestClock())
  const { urls, secrets } = demo.state
  const store = new MemoryTokenStore()
  xaa = createXaaClient(
    {
      idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
      authorizationServers: {
        [urls.tasksAs]: { clientId: tasks.clientIds[CLI_CLIENT]!, clientSecret: secrets.vendors.tasks[CLI_CLIENT]! },
      },
    },
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

  test('a real tasks access token at the notes server: 401 invalid_token with the notes challenge', async () => {
    const { urls } = demo.state
    const tasksToken = (await xaa.getAccessToken(urls.tasksMcp)).accessToken
    const bearer: AuthProvider = { token: async () => tasksToken }
    // The token is good where it belongs...
    const atTasks = new Client({ name: 'tasks-token', version: '1.0.0' })
    await atTasks.connect(new StreamableHTTPClientTransport(new URL(urls.tasksMcp), { authProvider: bearer }))
    expect((await atTasks.listTools()).tools.map((t) => t.name)).toContain('tasks.list')
    await atTasks.close()

    // ...and refused at the other vendor's server, with a challenge that sends the client to the notes AS.
    const seen: { url: string; status: number; challenge: string | null }[] = []
    const recording: FetchLike = async (url, init) => {
      const res = await fetch(url, init)
      seen.push({ url: String(url), status: res.status, challenge: res.headers.get('www-authenticate') })
      return res
    }
    const atNotes = new Client({ name: 'tasks-token-at-notes', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(urls.notesMcp), {
      authProvider: bearer,
      fetch: recording,
    })
    await expect(atNotes.connect(transport)).rejects.toThrow()
    const refused = seen.find((s) => s.url === urls.notesMcp)
    expect(refused?.status).toBe(401)
    const [challenge, ...more] = parseWwwAuthenticate(refused?.challenge ?? '')
    expect(more).toEqual([])
    expect(challenge?.params).toMatchObject({
      error: 'invalid_token',
      resource_metadata: urls.notesMcp.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'),
      scope: 'notes.read notes.write',
    })
    const prm = await (await fetch(challenge!.params.resource_metadata!)).json()
    expect(prm).toMatchObject({ resource: urls.notesMcp, authorization_servers: [urls.notesAs] })
  })
})
