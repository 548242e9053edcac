import { isXaaError } from '../../errors.js'
import { assertIssuerIdentifierLoose, isHttpsOrLoopbackUrl } from '../../internal/urls.js'
import { saveConfig } from '../config.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { type Command, type CommandContext, output } from './context.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

async function add(ctx: CommandContext): Promise<number> {
  const [, name, url] = ctx.args.positionals
  if (name === undefined || url === undefined) throw new UsageError('usage: openxaa servers add <name> <url>')
  if (!NAME.test(name)) throw new UsageError('a server name is letters, digits, ".", "_" or "-" (at most 64)')
  if (!isHttpsOrLoopbackUrl(url)) throw new UsageError('the server URL must be https (http only on loopback)')
  const clientId = ctx.args.values.get('as-client-id')
  const secret = ctx.args.values.get('as-client-secret') ?? ctx.io.env.OPENXAA_AS_CLIENT_SECRET
  const method = ctx.args.values.get('as-auth-method')
  if (method !== undefined && method !== 'client_secret_basic' && method !== 'client_secret_post') {
    throw new UsageError('--as-auth-method must be client_secret_basic or client_secret_post')
  }
  if (secret !== undefined && clientId === undefined) throw new UsageError('--as-client-secret needs --as-client-id')
  const config = await ctx.config()

  // The credentials belong to the server's authorization server (its issuer), found by discovery.
  let issuer = ctx.args.values.get('as-issuer')
  let discovered = false
  if (issuer === undefined && config.idp !== undefined) {
    try {
      issuer = (await ctx.client(config).discover(url)).issuer
      discovered = true
    } catch (error) {
      if (clientId !== undefined || !isXaaError(error)) throw error
      ctx.progress.stop()
      ctx.io.stderr(`warning: ${error.message}\n`)
    }
  }
  if (clientId !== undefined) {
    if (issuer === undefined)
      throw new UsageError('give --as-issuer (or run openxaa login first, so the server can be discovered)')
    assertIssuerIdentifierLoose(issuer, '--as-issuer')
    config.authorizationServers[issuer] = {
      clientId,
      ...(secret === undefined ? {} : { clientSecret: secret }),
      ...(method === undefined ? {} : { authMethod: method }),
    }
  }
  config.servers[name] = { url, ...(issuer === undefined ? {} : { issuer }) }
  await saveConfig(ctx.dir, config)
  const via = issuer === undefined ? '' : ` (authorization server ${issuer}${discovered ? ', discovered' : ''})`
  output(ctx, `Added ${name}: ${url}${via}.`, {
    name,
    url,
    issuer: issuer ?? null,
    credentials: clientId !== undefined,
  })
  return EXIT.OK
}

async function list(ctx: CommandContext): Promise<number> {
  const config = await ctx.config()
  const rows = Object.entries(config.servers).map(([name, s]) => ({
    name,
    url: s.url,
    issuer: s.issuer ?? null,
    credentials: s.issuer !== undefined && config.authorizationServers[s.issuer] !== undefined,
  }))
  const human =
    rows.length === 0
      ? 'No servers. Add one with: openxaa servers add <name> <url>'
      : rows
          .map(
            (r) =>
              `${r.name.padEnd(16)} ${r.url}${r.issuer === null ? '' : `\n${''.padEnd(17)}via ${r.issuer}${r.credentials ? '' : ' (no client credentials)'}`}`,
          )
          .join('\n')
  output(ctx, human, rows)
  return EXIT.OK
}

async function remove(ctx: CommandContext): Promise<number> {
  const name = ctx.args.positionals[1]
  if (name === undefined) throw new UsageError('usage: openxaa servers remove <name>')
  const config = await ctx.config()
  if (config.servers[name] === undefined) throw new UsageError(`unknown server "${name}"`)
  delete config.servers[name]
  await saveConfig(ctx.dir, config)
  output(ctx, `Removed ${name}.`, { removed: name })
  return EXIT.OK
}

/** `openxaa servers` (its `help` text is the reference). */
export const servers: Command = {
  name: 'servers',
  summary: 'Add, list or remove MCP servers',
  spec: { values: ['as-client-id', 'as-client-secret', 'as-issuer', 'as-auth-method'] },
  help: `Usage: openxaa servers add <name> <url> [--as-client-id <id> [--as-client-secret <secret>]] [--as-issuer <issuer>]
       openxaa servers list [--json]
       openxaa servers remove <name>

add     remembers an MCP server under a name. Its authorization server is discovered (PRM, then AS metadata);
        --as-client-id/--as-client-secret are this client's credentials AT THAT authorization server (kept per
        issuer, never sent to another one). --as-issuer skips discovery. OPENXAA_AS_CLIENT_SECRET may hold the
        secret instead of the command line. --as-auth-method pins client_secret_basic or client_secret_post.
list    shows the servers, their authorization servers and whether credentials are configured.
remove  forgets a server (its authorization server credentials are kept).`,
  async run(ctx) {
    const sub = ctx.args.positionals[0]
    if (sub === 'add') return add(ctx)
    if (sub === 'list' || sub === undefined) return list(ctx)
    if (sub === 'remove' || sub === 'rm') return remove(ctx)
    throw new UsageError(`unknown servers command "${sub}" (add, list, remove)`)
  },
}
