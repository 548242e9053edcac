import { McpServer } from '@modelcontextprotocol/server'
import { createMcpExample, type McpExample, type McpExampleOptions, ownerOf, text } from '@openxaa/example-mcp-kit'
import type { ToolScopes } from '@openxaa/resource-server'
import * as z from 'zod'
import { type NotesStore, openNotesStore } from './store.js'

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
export interface NotesServerOptions extends McpExampleOptions {
  /** The SQLite file holding the notes. */
  dataFile: string
}

/** A running notes server: mount `fetch` on any web-standard HTTP server. */
export type NotesServer = McpExample

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
  const meta = { resourceName: 'OpenXAA Notes', scopes: NOTES_SCOPES, toolScopes: NOTES_TOOL_SCOPES }
  return createMcpExample(options, meta, (clock) => {
    const store = openNotesStore(options.dataFile)
    return {
      mcpServer: () => buildMcpServer(store, clock),
      ready: async () => store.list({ organization: '', subject: '' }),
      close: () => store.close(),
    }
  })
}
