import { join } from 'node:path'
import { readPrivateFile, writePrivateFile } from '../internal/private-file.js'
import type { AuthorizationServerCredentials, XaaClientOptions } from '../options.js'
import { UsageError } from './exit-codes.js'

/** `config.json` in the openxaa directory: the IdP, the servers by name, the client's credentials per AS. */
export interface CliConfig {
  version: 1
  idp?: {
    issuer: string
    clientId: string
    clientSecret?: string
    authMethod?: 'client_secret_basic' | 'client_secret_post'
    scopes?: string[]
  }
  servers: Record<string, { url: string; issuer?: string }>
  authorizationServers: Record<
    string,
    { clientId: string; clientSecret?: string; authMethod?: 'client_secret_basic' | 'client_secret_post' }
  >
}

/** Where the configuration file lives in the openxaa directory. */
export const configPath = (dir: string) => join(dir, 'config.json')

/** Reads the configuration (empty when there is none). A file that is not ours is a usage error, never rewritten. */
export async function loadConfig(dir: string): Promise<CliConfig> {
  const text = await readPrivateFile(configPath(dir))
  if (text === undefined) return { version: 1, servers: {}, authorizationServers: {} }
  let parsed: Partial<CliConfig>
  try {
    parsed = JSON.parse(text) as Partial<CliConfig>
  } catch {
    throw new UsageError(`${configPath(dir)} is not valid JSON; fix or remove it`)
  }
  if (parsed.version !== 1) throw new UsageError(`${configPath(dir)} is not an openxaa configuration (version 1)`)
  return {
    version: 1,
    ...parsed,
    servers: parsed.servers ?? {},
    authorizationServers: parsed.authorizationServers ?? {},
  }
}

/** Writes the configuration (it holds client secrets: mode 0600, atomic). */
export async function saveConfig(dir: string, config: CliConfig): Promise<void> {
  await writePrivateFile(configPath(dir), `${JSON.stringify(config, null, 2)}\n`)
}

/** The SDK options the configuration describes. */
export function clientOptionsFrom(config: CliConfig): XaaClientOptions {
  const { idp } = config
  if (idp === undefined) {
    throw new UsageError(
      'no IdP is configured: run openxaa login --idp <issuer> --client-id <id> [--client-secret <secret>]',
    )
  }
  const authorizationServers: Record<string, AuthorizationServerCredentials> = {}
  for (const [issuer, creds] of Object.entries(config.authorizationServers)) {
    authorizationServers[issuer] = {
      clientId: creds.clientId,
      ...(creds.clientSecret === undefined ? {} : { clientSecret: creds.clientSecret }),
      ...(creds.authMethod === undefined ? {} : { method: creds.authMethod }),
    }
  }
  return {
    idp: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      ...(idp.clientSecret === undefined
        ? {}
        : {
            auth: {
              clientSecret: idp.clientSecret,
              ...(idp.authMethod === undefined ? {} : { method: idp.authMethod }),
            },
          }),
      ...(idp.scopes === undefined ? {} : { scopes: idp.scopes }),
    },
    authorizationServers,
  }
}

/** A server by name, or a URL used as is. */
export function resolveServer(config: CliConfig, nameOrUrl: string): string {
  const named = config.servers[nameOrUrl]
  if (named !== undefined) return named.url
  if (/^https?:\/\//.test(nameOrUrl)) return nameOrUrl
  const known = Object.keys(config.servers)
  throw new UsageError(
    `unknown server "${nameOrUrl}"` +
      (known.length > 0 ? ` (known: ${known.join(', ')})` : ': add it with openxaa servers add <name> <url>'),
  )
}
