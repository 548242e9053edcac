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
import { type NotesStore, type Owner, openNotesStore } from './store.js'

/** Every scope the notes server knows (its PRM `scopes_supported`). */
export const NOTES_SCOPES = ['notes.read', 'notes.write'] as const

/** What each tool needs. The middleware checks it before the MCP server runs; handlers check it again. */
export const NOTES_TOOL_SCOPES: ToolScopes = {
  'notes.list': ['notes.read'],
  'notes.read': ['notes.read'],
  'notes.create': ['notes.write'],
  'notes.delete': ['notes.write'],
}

/** Settings of {@link createNotesServer}. */
export interface NotesServerOptions {
  /** The MCP endpoint URL, which is also the resource identifier tokens must be issued for. */
  resource: string
  /** The issuer of the resource authorization server that protects this server. */
  authorizationServer: string
  /** Default: the `jwks_uri` of the issuer's RFC 8414 metadata. */
  jwksUri?: string
  /** The SQLite file holding the notes. */
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

/** A running notes server: mount `fetch` on any web-standard HTTP server. */
export interface NotesServer {
  readonly app: Hono<AuthEnv>
  readonly fetch: (request: Request) => Response | Promise<Response>
  readonly resourceServer: ResourceServer
  close(): Promise<void>
}

function ownerOf(authInfo: McpAuthInfo | undefined, scopes: readonly string[]): Owner {
  const auth = requireToolScopes(authInfo, scopes)
  return { organization: auth.organization ?? '', subject: auth.subject }
}

const text = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] })

function buildMcpServer(store: NotesStore, clock: () => number): McpServer {
  const server = new McpServer({ name: 'openxaa-notes', version: '0.1.0' })
  const scopes = (tool: string) => NOTES_TOOL_SCOPES[tool] ?? []
  server.registerTool(
    'notes.list',
    { description: 'List your notes (id, title, created).', inputSchema: z.object({}) },
    async (_args, ctx) => {
      const owner = ownerOf(ctx.http?.authInfo, scopes('notes.list'))
      return text(store.list(owner).map(({ id, title, createdAt }) => ({ id, title, createdAt })))
    },
  )
  server.registerTool(
    'notes.read',
    { description: 'Read one of your notes.', inputSchema: z.object({ id: z.number().int().positive() }) },
    async ({ id }, ctx) => {
      const note = store.read(ownerOf(ctx.http?.authInfo, scopes('notes.read')), id)
      return note === undefined ? { ...text({ error: `no note ${id}` }), isError: true } : text(note)
    },
  )
  server.registerTool(
    'notes.create',
    {
      description: 'Create a note.',
      inputSchema: z.object({ title: z.string().min(1).max(200), body: z.string().max(100_000) }),
    },
    async ({ title, body }, ctx) => {
      const owner = ownerOf(ctx.http?.authInfo, scopes('notes.create'))
      return text(store.create(owner, { title, body }, new Date(clock())))
    },
  )
  server.registerTool(
    'notes.delete',
    { description: 'Delete one of your notes.', inputSchema: z.object({ id: z.number().int().positive() }) },
    async ({ id }, ctx) => {
      const deleted = store.delete(ownerOf(ctx.http?.authInfo, scopes('notes.delete')), id)
      return deleted ? text({ deleted: id }) : { ...text({ error: `no note ${id}` }), isError: true }
    },
  )
  return server
}

/**
 * A notes MCP server: MCP SDK v2 over Streamable HTTP at the resource's path, on Hono, protected by the
 * OpenXAA resource-server middleware (PRM at both well-known paths, JWT access tokens from one authorization
 * server, per-tool scopes), keeping each user's notes in SQLite keyed by (organization, subject).
 *
 * @example
 * const notes = createNotesServer({ resource: 'http://127.0.0.1:4101/mcp', authorizationServer: issuer, dataFile })
 * serve({ fetch: notes.fetch, port: 4101 })
 */
export function createNotesServer(options: NotesServerOptions): NotesServer {
  const clock = options.clock ?? Date.now
  const resourceServer = createResourceServer({
    resource: options.resource,
    authorizationServers: [options.authorizationServer],
    scopesSupported: NOTES_SCOPES,
    resourceName: 'OpenXAA Notes',
    verifier: {
      type: 'jwt',
      issuer: options.authorizationServer,
      ...(options.jwksUri !== undefined && { jwksUri: options.jwksUri }),
    },
    clock,
  })
  const store = openNotesStore(options.dataFile)
  const mcp = createMcpHandler(() => buildMcpServer(store, clock))
  const app = new Hono<AuthEnv>()
  const metrics = options.metrics ?? createServerMetrics()
  const logger = options.requestLogger ?? { debug() {}, info() {}, warn() {}, error() {} }
  app.use('*', observe({ logger, metrics, maxInFlight: options.maxInFlight ?? 256 }))
  // Ready when the notes database answers; the authorization server's keys are fetched (and cached) per token.
  const checks = { database: async () => store.list({ organization: '', subject: '' }) }
  app.route('/', healthRoutes({ checks, metrics }) as unknown as Hono<AuthEnv>)
  app.use(protectedResourceMetadata(resourceServer))
  app.all(new URL(options.resource).pathname, requireAuth(resourceServer, { toolScopes: NOTES_TOOL_SCOPES }), (c) =>
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
