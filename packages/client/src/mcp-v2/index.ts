// Integration with the MCP TypeScript SDK v2 (`@modelcontextprotocol/client`). This module is the only one that
// imports that SDK, so the core of @openxaa/client works without it (it is an optional peer dependency).

import {
  type AuthProvider,
  Client,
  type Implementation,
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/client'
import type { XaaClient } from '../client.js'
import { readChallenge } from '../discovery/challenge.js'
import { XaaError } from '../errors.js'

/**
 * An `AuthProvider` for one MCP server: `token()` gives the cached (or renewed) access token, `onUnauthorized()`
 * runs discovery and the cross-app access flow from the 401. Step-up on 403 `insufficient_scope` and DPoP-bound
 * tokens need {@link createXaaTransport} (the transport only steps up with its own OAuth providers).
 *
 * @example
 * ```ts
 * const transport = new StreamableHTTPClientTransport(url, { authProvider: createXaaAuthProvider(xaa, url) })
 * ```
 * @see xaa-protocol.md section 2(e)
 */
export function createXaaAuthProvider(xaa: XaaClient, serverUrl: string | URL): AuthProvider {
  const url = String(serverUrl)
  return {
    async token() {
      const token = await xaa.currentAccessToken(url)
      if (token?.tokenType === 'DPoP') {
        throw new XaaError('ERR_CONFIG', 'DPoP-bound access tokens need createXaaTransport, not an AuthProvider')
      }
      return token?.accessToken
    },
    async onUnauthorized({ response }) {
      await xaa.getAccessToken(url, { challenge: readChallenge(response.headers) ?? {}, renew: true })
    },
  }
}

/**
 * A Streamable HTTP transport of the v2 SDK whose requests go through the client's cross-app access fetch: the
 * one option that connects an MCP client to a server protected by an ID-JAG-accepting authorization server.
 *
 * @example
 * ```ts
 * const client = new Client({ name: 'agent', version: '1.0.0' })
 * await client.connect(createXaaTransport(xaa, 'https://mcp.chat.example/mcp'))
 * ```
 * @see xaa-protocol.md section 2
 */
export function createXaaTransport(
  xaa: XaaClient,
  serverUrl: string | URL,
  options: Omit<StreamableHTTPClientTransportOptions, 'authProvider'> = {},
): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(serverUrl), {
    ...options,
    fetch: xaa.createFetch(options.fetch as typeof fetch | undefined),
  })
}

/**
 * A v2 MCP `Client` connected to a protected server through cross-app access, in one call.
 *
 * @example
 * ```ts
 * const mcp = await connectXaaClient(xaa, 'https://mcp.chat.example/mcp', { name: 'agent', version: '1.0.0' })
 * const { tools } = await mcp.listTools()
 * ```
 * @see xaa-protocol.md section 2
 */
export async function connectXaaClient(
  xaa: XaaClient,
  serverUrl: string | URL,
  clientInfo: Implementation,
  options: Omit<StreamableHTTPClientTransportOptions, 'authProvider'> = {},
): Promise<Client> {
  const client = new Client(clientInfo)
  await client.connect(createXaaTransport(xaa, serverUrl, options))
  return client
}
