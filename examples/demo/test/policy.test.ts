// The demo's managed connections do what the quickstart's table says, on the real servers: who reaches which vendor
// through which client, and what each refusal says. Deny by default: no connection, no ID-JAG.
import { Client } from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore, type XaaClient, XaaError } from '@openxaa/client'
import { createXaaTransport } from '@openxaa/client/mcp-v2'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Demo, USERS, userNamed, VENDORS, type VendorKey } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

describe("the demo's policy, end to end", () => {
  let demo: Demo
  const clock = new TestClock()
  beforeAll(async () => {
    demo = await startTestDemo(clock)
  })
  afterAll(() => demo?.close())

  async function signedIn(client: string, username: string): Promise<XaaClient> {
    const user = userNamed(username)
    const { urls, secrets } = demo.state
    const issuers: Record<VendorKey, string> = { notes: urls.notesAs, tasks: urls.tasksAs }
    const xaa = createXaaClient(
      {
        idp: { issuer: urls.idp, clientId: client, auth: { clientSecret: secrets.idp[client]! } },
        authorizationServers: Object.fromEntries(
          VENDORS.map((v) => [
            issuers[v.key],
            { clientId: v.clientIds[client]!, clientSecret: secrets.vendors[v.key][client]! },
          ]),
        ),
      },
      {
        clock: clock.now,
        store: new MemoryTokenStore(),
        openBrowser: (u) => signInAtBrowser(u, username, user.password),
      },
    )
    await xaa.signIn()
    return xaa
  }

  /** Calls a vendor's read or write tool; resolves to 'ok' or the refusal's message (the SDK's XaaError if any). */
  async function call(xaa: XaaClient, vendor: VendorKey, kind: 'read' | 'write'): Promise<string> {
    const v = VENDORS.find((x) => x.key === vendor)!
    const url = vendor === 'notes' ? demo.urls.notesMcp : demo.urls.tasksMcp
    const mcp = new Client({ name: 'policy', version: '1.0.0' })
    try {
      await mcp.connect(createXaaTransport(xaa, url))
      const result = await mcp.callTool({ name: v[kind].tool, arguments: v[kind].arguments })
      return result.isError === true ? 'tool error' : 'ok'
    } catch (error) {
      for (let e: unknown = error, i = 0; e !== undefined && i < 8; i++) {
        if (e instanceof XaaError) return e.message
        e = e instanceof Error ? e.cause : undefined
      }
      return (error as Error).message
    } finally {
      await mcp.close().catch(() => {})
    }
  }

  const NOT_ASSIGNED = 'the IdP token exchange refused (access_denied): the user is not assigned to this resource'
  const NO_CONNECTION =
    'the IdP token exchange refused (access_denied): no managed connection allows this client to reach this resource'

  test.each(USERS.filter((u) => !u.admin).map((u) => [u.username, u.reaches] as const))(
    'through Acme Code, %s reaches %s',
    async (username) => {
      const user = userNamed(username)
      const xaa = await signedIn('acme-code', username)
      const expected = (vendor: VendorKey) =>
        (vendor === 'notes' ? user.groups.includes('engineering') : user.groups.includes('sales')) ? 'ok' : NOT_ASSIGNED
      expect(await call(xaa, 'notes', 'write')).toBe(expected('notes'))
      expect(await call(xaa, 'tasks', 'write')).toBe(expected('tasks'))
    },
  )

  test('Acme Chat reads Notes for engineering, may not write there, and has no connection to Tasks', async () => {
    const xaa = await signedIn('acme-chat', 'alice')
    expect(await call(xaa, 'notes', 'read')).toBe('ok')
    // The IdP narrows the step-up to the connection's notes.read; the MCP server's 403 then reaches the caller.
    expect(await call(xaa, 'notes', 'write')).toBe('Insufficient scope: required "notes.write"')
    expect(await call(xaa, 'tasks', 'read')).toBe(NO_CONNECTION)
  })
})
