// Integration with the MCP TypeScript SDK v1 (`@modelcontextprotocol/sdk`). This module is the only one that
// imports that SDK, so the core of @openxaa/client works without it (it is an optional peer dependency).

import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { XaaClient } from '../client.js'

/**
 * A Streamable HTTP transport of the v1 SDK whose requests go through the client's cross-app access fetch
 * (401 → discovery → token exchange → jwt-bearer → retry; 403 `insufficient_scope` → bounded step-up). The v1
 * SDK's own `authProvider` drives interactive OAuth and is not used.
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
