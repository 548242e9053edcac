/**
 * `openxaa-idp`: run the IdP (`serve`) and configure it from the command line. Admin commands work on the store
 * directly (the same repositories and operations as the admin API) and are audited with the actor `cli`.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Store } from '@openxaa/store'
import { toAdminError } from '../admin/errors.js'
import { COMMANDS, cliContext } from './commands/index.js'
import { type CliIo, UsageError } from './io.js'

const SERVE_USAGE =
  'serve [--port <3000>] [--host <127.0.0.1>] [--issuer <url>] [--tenant <name>] [--database-url <url>]'
const GLOBAL =
  '  --database-url <url>  sqlite:<file> (default sqlite:./data/openxaa.db), postgres://…, pglite:<dir>; or OPENXAA_DATABASE_URL'

function help(): string {
  return [
    'usage: openxaa-idp <command> [options]',
    '',
    `  ${SERVE_USAGE}`,
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '',
    'options of every command:',
    GLOBAL,
    "  --help                this help, or a command's",
  ].join('\n')
}

function commandHelp(words: string): string {
  if (words === 'serve') {
    return [
      `usage: openxaa-idp ${SERVE_USAGE}`,
      '',
      'Runs the IdP. Defaults: issuer http://localhost:<port>, tenant from OPENXAA_TENANT or "default".',
      'Cookie keys: OPENXAA_COOKIE_KEYS (comma-separated) or <data dir>/idp-cookie-keys, created on first start.',
      'OPENXAA_TRUST_PROXY=true: behind a TLS-terminating proxy (X-Forwarded-*; the last X-Forwarded-For entry is',
      '  the address rate limits count).',
      'Rate limits (429 with Retry-After past them), per fixed minute:',
      '  OPENXAA_RATE_LIMIT_PER_MINUTE             per address on /token, /token/revocation, /device/auth (default',
      '                                            600, 0 = off)',
      '  OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE  token exchanges per authenticated client (default 3000, 0 = off)',
      '  OPENXAA_REDIS_URL                         count in Redis (redis:// or rediss://), shared by every replica;',
      '                                            else in the database on PostgreSQL, else in memory',
      '  OPENXAA_REDIS_PREFIX                      key prefix (default openxaa:rl:)',
      '  OPENXAA_REDIS_TIMEOUT_MS                  Redis deadline (default 500); Redis down or late = let through',
      GLOBAL,
    ].join('\n')
  }
  const c = COMMANDS[words]!
  return [`usage: openxaa-idp ${c.usage}`, '', c.description, GLOBAL].join('\n')
}

/** Finds the longest command whose words start argv. */
function match(argv: string[]): { words: string; rest: string[] } | undefined {
  for (const n of [3, 2, 1]) {
    const words = argv.slice(0, n).join(' ')
    if (words === 'serve' || COMMANDS[words] !== undefined) return { words, rest: argv.slice(n) }
  }
  return undefined
}

/**
 * Runs one command; resolves to the exit code (0 ok, 1 failure, 2 usage). `serve` resolves once listening and
 * leaves the server running (its stop function in `onServe`).
 */
export async function runCli(
  argv: string[],
  io: CliIo,
  onServe?: (stop: () => Promise<void>) => void,
): Promise<number> {
  const found = match(argv)
  if (found === undefined) {
    const wantsHelp = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help'
    ;(wantsHelp ? io.out : io.err)(help())
    return wantsHelp ? 0 : 2
  }
  const { words, rest } = found
  const command = COMMANDS[words]
  const options = {
    ...(command?.options ?? {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      tenant: { type: 'string' },
    }),
    'database-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as typeof parsed
    if (!parsed.values.help && parsed.positionals.length !== (command?.positionals ?? 0)) {
      throw new UsageError(`expected ${command?.positionals ?? 0} argument(s), got ${parsed.positionals.length}`)
    }
  } catch (err) {
    io.err(`openxaa-idp ${words}: ${(err as Error).message}\n\n${commandHelp(words)}`)
    return 2
  }
  if (parsed.values.help) {
    io.out(commandHelp(words))
    return 0
  }

  let store: Store | undefined
  try {
    store = await io.openStore(parsed.values['database-url'] as string | undefined)
    if (command === undefined) {
      const port = Number(parsed.values.port ?? io.env.PORT ?? 3000)
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number')
      const host = String(parsed.values.host ?? '127.0.0.1')
      // Loaded only here: the admin commands never load oidc-provider.
      const { startServer } = await import('./serve.js')
      const stop = await startServer(
        store,
        {
          port,
          host,
          issuer: String(parsed.values.issuer ?? io.env.OPENXAA_ISSUER ?? `http://localhost:${port}`),
          tenant: String(parsed.values.tenant ?? io.env.OPENXAA_TENANT ?? 'default'),
          dataDir: io.env.OPENXAA_DATA_DIR ?? join('.', 'data'),
        },
        io,
      )
      const opened = store
      store = undefined
      onServe?.(async () => {
        await stop()
        await opened.close()
      })
      return 0
    }
    await command.run(cliContext(store, io.env), parsed.values, parsed.positionals, io)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`openxaa-idp ${words}: ${err.message}\n\n${commandHelp(words)}`)
      return 2
    }
    const admin = toAdminError(err)
    // Messages name rows and settings, never a secret, a password or a database URL.
    io.err(
      `openxaa-idp ${words}: ${admin ? admin.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
    )
    return 1
  } finally {
    await store?.close()
  }
}
