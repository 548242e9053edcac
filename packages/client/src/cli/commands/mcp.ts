import type { XaaClient } from '../../client.js'
import { resolveServer } from '../config.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { type Command, type CommandContext, formatTime, output } from './context.js'

// The MCP client SDK is an optional peer dependency of @openxaa/client: its integration module is loaded only by the
// commands that talk MCP, and a missing SDK is a clear usage error.
async function connect(ctx: CommandContext, xaa: XaaClient, url: string) {
  let integration: typeof import('../../mcp-v2/index.js')
  try {
    integration = await import('../../mcp-v2/index.js')
  } catch {
    throw new UsageError('this command needs the MCP client SDK: npm install @modelcontextprotocol/client')
  }
  ctx.progress.stage(`connecting to ${new URL(url).host}`)
  return integration.connectXaaClient(xaa, url, { name: 'openxaa', version: '0.1.0' })
}

/** `openxaa tools` (its `help` text is the reference). */
export const tools: Command = {
  name: 'tools',
  summary: 'List the tools of an MCP server',
  spec: {},
  help: `Usage: openxaa tools <server> [--json]

Connects to the server (a name from openxaa servers, or a URL) through cross-app access and lists its tools.`,
  async run(ctx) {
    const name = ctx.args.positionals[0]
    if (name === undefined) throw new UsageError('usage: openxaa tools <server>')
    const config = await ctx.config()
    const url = resolveServer(config, name)
    const client = await connect(ctx, ctx.client(config), url)
    try {
      const { tools: list } = await client.listTools()
      const human = list.map((t) => `${t.name}${t.description === undefined ? '' : `  ${t.description}`}`).join('\n')
      output(ctx, list.length === 0 ? '(no tools)' : human, list)
    } finally {
      await client.close()
    }
    return EXIT.OK
  },
}

/** `openxaa call` (its `help` text is the reference). */
export const call: Command = {
  name: 'call',
  summary: 'Call a tool of an MCP server',
  spec: {},
  help: `Usage: openxaa call <server> <tool> ['{"json": "arguments"}'] [--json]

Calls the tool with the JSON object of arguments (default {}) and prints its text content, or the whole result
with --json. Exit code 6 when the tool reports an error.`,
  async run(ctx) {
    const [name, tool, raw] = ctx.args.positionals
    if (name === undefined || tool === undefined) throw new UsageError('usage: openxaa call <server> <tool> [json]')
    let args: unknown = {}
    if (raw !== undefined) {
      try {
        args = JSON.parse(raw)
      } catch {
        throw new UsageError('the arguments are not valid JSON')
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args))
        throw new UsageError('the arguments must be a JSON object')
    }
    const config = await ctx.config()
    const url = resolveServer(config, name)
    const client = await connect(ctx, ctx.client(config), url)
    try {
      const result = await client.callTool({ name: tool, arguments: args as Record<string, unknown> })
      const content = (result as { content?: { type: string; text?: string }[] }).content ?? []
      const human = content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c))).join('\n')
      output(ctx, human, result)
      return (result as { isError?: boolean }).isError === true ? EXIT.TOOL_ERROR : EXIT.OK
    } finally {
      await client.close()
    }
  },
}

/** `openxaa token` (its `help` text is the reference). */
export const token: Command = {
  name: 'token',
  summary: 'Print an access token for a server (for scripts)',
  spec: {},
  help: `Usage: openxaa token <server> [--json]

Prints an access token for the server on stdout (nothing else), obtained like any other: cached until shortly
before it expires, else through a fresh ID-JAG. Treat it as a secret. --json adds its type, expiry, scope,
resource and issuer.`,
  async run(ctx) {
    const name = ctx.args.positionals[0]
    if (name === undefined) throw new UsageError('usage: openxaa token <server>')
    const config = await ctx.config()
    const url = resolveServer(config, name)
    const at = await ctx.client(config).getAccessToken(url)
    output(ctx, at.accessToken, {
      access_token: at.accessToken,
      token_type: at.tokenType,
      expires_at: at.expiresAt,
      expires: formatTime(at.expiresAt),
      scope: at.scopes.join(' '),
      resource: at.resource,
      issuer: at.issuer,
    })
    return EXIT.OK
  },
}
