// The end-to-end scenario, written against a small interface so that it runs both on the loopback fixtures
// (scenario.test.ts) and on the real IdP, resource ASes and demo MCP servers (examples/demo/test/one-sign-in.test.ts):
// a test that can start a world implements ScenarioWorld and calls defineOneSignInScenario.

import { Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type XaaClient, XaaError } from '../../src/index.js'
import { createXaaTransport } from '../../src/mcp-v2/index.js'

/** A tool call that carries `text` to the server and back: `echo` with `{ text }` unless said otherwise. */
export interface EchoTool {
  tool: string
  arguments(text: string): Record<string, unknown>
  /** The text sent, found in the tool's text content. */
  read(content: string): string
}

/** An MCP server of the world: its URL, and the tool that echoes when it has no `echo` tool. */
export type ScenarioServer = string | { url: string; echo: EchoTool }

const ECHO: EchoTool = { tool: 'echo', arguments: (text) => ({ text }), read: (content) => content }

/** What the scenario needs from a world of servers. */
export interface ScenarioWorld {
  /** Two MCP servers of two vendors (two resource ASes), each able to echo a text (see {@link ScenarioServer}). */
  servers: [ScenarioServer, ScenarioServer]
  /** A client configured for the IdP and both ASes, whose `openBrowser` completes the sign-in without a person. */
  client(hooks: { onBrowserOpened(): void }): XaaClient
  /** Moves the clock that the client and every server share. */
  advanceClock(seconds: number): void
  /** Disables the signed-in user at the IdP. */
  disableUser(): Promise<void>
  /** What the refusal after {@link disableUser} must say, when the world's IdP says why. */
  disabledReason?: RegExp
  /** How many ID-JAGs the IdP has issued (to see renewals); undefined when the world cannot tell. */
  idJagsIssued?(): number | Promise<number>
  close(): Promise<void>
}

/**
 * One sign-in; tools called on both servers; no second sign-in; access tokens renewed after they expire; the user
 * disabled at the IdP, and the next call that needs a fresh token fails with a message that says why.
 */
export function defineOneSignInScenario(name: string, start: () => Promise<ScenarioWorld>, tokenLifetime = 300): void {
  describe(name, () => {
    let world: ScenarioWorld
    let xaa: XaaClient
    let signIns = 0

    async function echo(server: ScenarioServer, text: string): Promise<string> {
      const { url, echo: tool } = typeof server === 'string' ? { url: server, echo: ECHO } : server
      const mcp = new Client({ name: 'scenario', version: '1.0.0' })
      await mcp.connect(createXaaTransport(xaa, url))
      try {
        const result = await mcp.callTool({ name: tool.tool, arguments: tool.arguments(text) })
        if (result.isError === true) throw new Error(`${tool.tool} reported an error`)
        return tool.read((result.content as { text?: string }[]).map((c) => c.text).join(''))
      } finally {
        await mcp.close()
      }
    }

    beforeAll(async () => {
      world = await start()
      xaa = world.client({ onBrowserOpened: () => signIns++ })
    })
    afterAll(() => world.close())

    test('one sign-in, tools on both servers, no second sign-in', async () => {
      await xaa.signIn()
      expect(await echo(world.servers[0], 'first vendor')).toBe('first vendor')
      expect(await echo(world.servers[1], 'second vendor')).toBe('second vendor')
      expect(signIns).toBe(1)
    })

    test('access tokens are renewed after they expire, without a sign-in', async () => {
      const before = await world.idJagsIssued?.()
      world.advanceClock(tokenLifetime + 1)
      expect(await echo(world.servers[0], 'after expiry')).toBe('after expiry')
      if (before !== undefined) expect(await world.idJagsIssued!()).toBeGreaterThan(before)
      expect(signIns).toBe(1)
    })

    test('the user disabled at the IdP: the next call needing a fresh token fails and says why', async () => {
      await world.disableUser()
      world.advanceClock(tokenLifetime + 1)
      const error = await echo(world.servers[1], 'denied').catch((e: unknown) => e)
      const cause = findXaa(error)
      expect(cause, 'an XaaError reaches the caller').toBeInstanceOf(XaaError)
      expect(cause?.kind === 'policy' || cause?.kind === 'sign-in').toBe(true)
      expect(cause?.message).toMatch(/refused|denied|disabled/)
      if (world.disabledReason) expect(cause?.message).toMatch(world.disabledReason)
    })
  })
}

function findXaa(error: unknown): XaaError | undefined {
  for (let e = error, i = 0; e !== undefined && i < 8; i++) {
    if (e instanceof XaaError) return e
    e = e instanceof Error ? e.cause : undefined
  }
  return undefined
}
