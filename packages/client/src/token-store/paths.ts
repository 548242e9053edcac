import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The openxaa configuration directory: `$OPENXAA_HOME`, else `$XDG_CONFIG_HOME/openxaa`, else `~/.config/openxaa`.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPENXAA_HOME !== undefined && env.OPENXAA_HOME !== '') return env.OPENXAA_HOME
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'openxaa')
}

/** Where the default {@link FileTokenStore} keeps tokens: `tokens.json` in {@link defaultConfigDir}. */
export function defaultTokenStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultConfigDir(env), 'tokens.json')
}
