import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'
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
import * as z from 'zod'
import { type Owner, openTasksStore, type TasksStore } from './store.js'

/** Every scope the task tracker knows (its PRM `scopes_supported`). */
export const TASKS_SCOPES = ['tasks.read', 'tasks.write'] as const

/** What each tool needs. The middleware checks it before the MCP server runs; handlers check it again. */
export const TASKS_TOOL_SCOPES: ToolScopes = {
  'tasks.list': ['tasks.read'],
  'tasks.add': ['tasks.write'],
  'tasks.complete': ['tasks.write'],
}

/** Settings of {@link createTasksServer}. */
export interface TasksServerOptions {
  /** The MCP endpoint URL, which is also the resource identifier tokens must be issued for. */
  resource: string
  /** The issuer of the resource authorization server that protects this server. */
  authorizationServer: string
  /** Default: the `jwks_uri` of the issuer's RFC 8414 metadata. */
  jwksUri?: string
  /** The SQLite file holding the tasks. */
  dataFile: string
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number
  /** Where the one-line-per-request JSON log goes; default: nowhere. */
  requestLogger?: JsonLogger
  /** Prometheus families fed by this server (served at `/metrics`); default: a new set. */
  metrics?: ServerMetrics
  /** Requests served at once before new ones get 503 with Retry-After; default 256, 0 = no limit. */
  maxInFlight?: number
}

/** A running task tracker: mount `fetch` on any web-standard HTTP server. */
export interface TasksServer {
  readonly app: Hono<AuthEnv>
  readonly fetch: (request: Request) => Response | Promise<Response>
  readonly resourceServer: ResourceServer
  close(): Promise<void>
}

function ownerOf(authInfo: McpAuthInfo | undefined, tool: string): Owner {
  const auth = requireToolScopes(authInfo, TASKS_TOOL_SCOPES[tool] ?? [])
  return { organization: auth.organization ?? '', subject: auth.subject }
}

const text = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] })

function buildMcpServer(store: TasksStore, clock: () => number): McpServer {
  const server = new McpServer({ name: 'openxaa-tasks', version: '0.1.0' })
  server.registerTool(
    'tasks.list',
    {
      description: 'List your tasks: open ones first, then done ones.',
      inputSchema: z.object({ includeDone: z.boolean().optional() }),
    },
    async ({ includeDone }, ctx) =>
      text(store.list(ownerOf(ctx.http?.authInfo, 'tasks.list'), { includeDone: includeDone ?? true })),
  )
  server.registerTool(
    'tasks.add',
    { description: 'Add a task.', inputSchema: z.object({ title: z.string().min(1).max(500) }) },
    async ({ title }, ctx) => text(store.add(ownerOf(ctx.http?.authInfo, 'tasks.add'), title, new Date(clock()))),
  )
  server.registerTool(
    'tasks.complete',
    { description: 'Mark one of your tasks done.', inputSchema: z.object({ id: z.number().int().positive() }) },
    async ({ id }, ctx) => {
      const task = store.complete(ownerOf(ctx.http?.authInfo, 'tasks.complete'), id, new Date(clock()))
      return task === undefined ? { ...text({ error: `no task ${id}` }), isError: true } : text(task)
    },
  )
  return server
}

/**
 * A task-tracker MCP server: MCP SDK v2 over Streamable HTTP at the resource's path, on Hono, protected by the
 * OpenXAA resource-server middleware, keeping each user's tasks in SQLite keyed by (organization, subject).
 *
 * @example
 * const tasks = createTasksServer({ resource: 'http://127.0.0.1:4102/mcp', authorizationServer: issuer, dataFile })
 * serve({ fetch: tasks.fetch, port: 4102 })
 */
export function createTasksServer(options: TasksServerOptions): TasksServer {
  const clock = options.clock ?? Date.now
  const resourceServer = createResourceServer({
    resource: options.resource,
    authorizationServers: [options.authorizationServer],
    scopesSupported: TASKS_SCOPES,
    resourceName: 'OpenXAA Tasks',
    verifier: {
      type: 'jwt',
      issuer: options.authorizationServer,
      ...(options.jwksUri !== undefined && { jwksUri: options.jwksUri }),
    },
    clock,
  })
  const store = openTasksStore(options.dataFile)
  const mcp = createMcpHandler(() => buildMcpServer(store, clock))
  const app = new Hono<AuthEnv>()
  const metrics = options.metrics ?? createServerMetrics()
  const logger = options.requestLogger ?? { debug() {}, info() {}, warn() {}, error() {} }
  app.use('*', observe({ logger, metrics, maxInFlight: options.maxInFlight ?? 256 }))
  // Ready when the tasks database answers; the authorization server's keys are fetched (and cached) per token.
  const checks = { database: async () => store.list({ organization: '', subject: '' }) }
  app.route('/', healthRoutes({ checks, metrics }) as unknown as Hono<AuthEnv>)
  app.use(protectedResourceMetadata(resourceServer))
  app.all(new URL(options.resource).pathname, requireAuth(resourceServer, { toolScopes: TASKS_TOOL_SCOPES }), (c) =>
    mcp.fetch(c.req.raw, { authInfo: c.var.authInfo }),
  )
  return {
    app,
    fetch: app.fetch,
    resourceServer,
    async close() {
      await mcp.close()
      store.close()
    },
  }
}
