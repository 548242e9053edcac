import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server'
import { createServerMetrics, healthRoutes, type JsonLogger, observe, type ServerMetrics } from '@openxaa/ops'
import {
  createResourceServer,
  type McpAuthInfo,
  type ResourceServer,
  requireToolScopes,
  type ToolScopes,
} from '@openxaa/resource-server'
import { type AuthEnv, protectedResourceMetadata, requireAuth } from '@openxaa/resource-server/hono'
import { Hono } from 'hono'

/** Settings every demo MCP server takes. */
export interface McpExampleOptions {
  /** The MCP endpoint URL, which is also the resource identifier tokens must be issued for. */
  resource: string
  /** The issuer of the resource authorization server that protects this server. */
  authorizationServer: string
  /** Default: the `jwks_uri` of the issuer's RFC 8414 metadata. */
  jwksUri?: string
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number
  /** Where the one-line-per-request JSON log goes; default: nowhere. */
  requestLogger?: JsonLogger
  /** Prometheus families fed by this server (served at `/metrics`); default: a new set. */
  metrics?: ServerMetrics
  /** Requests served at once before new ones get 503 with Retry-After; default 256, 0 = no limit. */
  maxInFlight?: number
}

/** A running demo MCP server: mount `fetch` on any web-standard HTTP server. */
export interface McpExample {
  readonly app: Hono<AuthEnv>
  readonly fetch: (request: Request) => Response | Promise<Response>
  readonly resourceServer: ResourceServer
  close(): Promise<void>
}

/** What one demo server brings: its name, scopes, data and tools. */
export interface McpExampleParts {
  /** The MCP server of one request (tools registered). */
  mcpServer(): McpServer
  /** Readiness: resolves when the server's database answers. */
  ready(): Promise<unknown>
  /** Closes the server's database. */
  close(): void
}

/** The owner of a user's data: (organization, subject) of the token, once the tool's scopes are checked. */
export function ownerOf(
  authInfo: McpAuthInfo | undefined,
  scopes: readonly string[],
): { organization: string; subject: string } {
  const auth = requireToolScopes(authInfo, scopes)
  return { organization: auth.organization ?? '', subject: auth.subject }
}

/** A tool result of one JSON text. */
export const text = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] })

/**
 * A demo MCP server: MCP SDK v2 over Streamable HTTP at the resource's path, on Hono, protected by the OpenXAA
 * resource-server middleware (PRM at both well-known paths, JWT access tokens from one authorization server, per-tool
 * scopes), with request logs, metrics and health routes. `open` is called once the resource server is built.
 */
export function createMcpExample(
  options: McpExampleOptions,
  meta: { resourceName: string; scopes: readonly string[]; toolScopes: ToolScopes },
  open: (clock: () => number) => McpExampleParts,
): McpExample {
  const clock = options.clock ?? Date.now
  const resourceServer = createResourceServer({
    resource: options.resource,
    authorizationServers: [options.authorizationServer],
    scopesSupported: meta.scopes,
    resourceName: meta.resourceName,
    verifier: {
      type: 'jwt',
      issuer: options.authorizationServer,
      ...(options.jwksUri !== undefined && { jwksUri: options.jwksUri }),
    },
    clock,
  })
  const parts = open(clock)
  const mcp = createMcpHandler(() => parts.mcpServer())
  const app = new Hono<AuthEnv>()
  const metrics = options.metrics ?? createServerMetrics()
  const logger = options.requestLogger ?? { debug() {}, info() {}, warn() {}, error() {} }
  app.use('*', observe({ logger, metrics, maxInFlight: options.maxInFlight ?? 256 }))
  // Ready when the database answers; the authorization server's keys are fetched (and cached) per token.
  app.route('/', healthRoutes({ checks: { database: parts.ready }, metrics }) as unknown as Hono<AuthEnv>)
  app.use(protectedResourceMetadata(resourceServer))
  app.all(new URL(options.resource).pathname, requireAuth(resourceServer, { toolScopes: meta.toolScopes }), (c) =>
    mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }),
  )
  return {
    app,
    fetch: app.fetch,
    resourceServer,
    async close() {
      await mcp.close()
      parts.close()
    },
  }
}
