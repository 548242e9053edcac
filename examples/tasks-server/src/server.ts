import { McpServer } from '@modelcontextprotocol/server'
import { createMcpExample, type McpExample, type McpExampleOptions, ownerOf, text } from '@openxaa/example-mcp-kit'
import type { ToolScopes } from '@openxaa/resource-server'
import * as z from 'zod'
import { openTasksStore, type TasksStore } from './store.js'

/** Every scope the task tracker knows (its PRM `scopes_supported`). */
export const TASKS_SCOPES = ['tasks.read', 'tasks.write'] as const

/** What each tool needs. The middleware checks it before the MCP server runs; handlers check it again. */
export const TASKS_TOOL_SCOPES: ToolScopes = {
  'tasks.list': ['tasks.read'],
  'tasks.add': ['tasks.write'],
  'tasks.complete': ['tasks.write'],
}

/** Settings of {@link createTasksServer}. */
export interface TasksServerOptions extends McpExampleOptions {
  /** The SQLite file holding the tasks. */
  dataFile: string
}

/** A running task tracker: mount `fetch` on any web-standard HTTP server. */
export type TasksServer = McpExample

function buildMcpServer(store: TasksStore, clock: () => number): McpServer {
  const server = new McpServer({ name: 'openxaa-tasks', version: '0.1.0' })
  const scopes = (tool: string) => TASKS_TOOL_SCOPES[tool] ?? []
  server.registerTool(
    'tasks.list',
    {
      description: 'List your tasks: open ones first, then done ones.',
      inputSchema: z.object({ includeDone: z.boolean().optional() }),
    },
    async ({ includeDone }, ctx) =>
      text(store.list(ownerOf(ctx.http?.authInfo, scopes('tasks.list')), { includeDone: includeDone ?? true })),
  )
  server.registerTool(
    'tasks.add',
    { description: 'Add a task.', inputSchema: z.object({ title: z.string().min(1).max(500) }) },
    async ({ title }, ctx) =>
      text(store.add(ownerOf(ctx.http?.authInfo, scopes('tasks.add')), title, new Date(clock()))),
  )
  server.registerTool(
    'tasks.complete',
    { description: 'Mark one of your tasks done.', inputSchema: z.object({ id: z.number().int().positive() }) },
    async ({ id }, ctx) => {
      const task = store.complete(ownerOf(ctx.http?.authInfo, scopes('tasks.complete')), id, new Date(clock()))
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
  const meta = { resourceName: 'OpenXAA Tasks', scopes: TASKS_SCOPES, toolScopes: TASKS_TOOL_SCOPES }
  return createMcpExample(options, meta, (clock) => {
    const store = openTasksStore(options.dataFile)
    return {
      mcpServer: () => buildMcpServer(store, clock),
      ready: async () => store.list({ organization: '', subject: '' }),
      close: () => store.close(),
    }
  })
}
