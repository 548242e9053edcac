import { UsageError } from './exit-codes.js'

/** A command's parsed arguments. */
export interface ParsedArgs {
  positionals: string[]
  /** `--name value` options. */
  values: Map<string, string>
  /** `--name` switches. */
  flags: Set<string>
}

/** What a command accepts: option names that take a value, and switch names. */
export interface ArgSpec {
  values?: readonly string[]
  flags?: readonly string[]
}

const GLOBAL_FLAGS = ['json', 'help']

/**
 * Parses `--name value`, `--name=value` and `--switch`; `--` ends options. An unknown option is a usage error
 * rather than a silent positional.
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec = {}): ParsedArgs {
  const values = new Map<string, string>()
  const flags = new Set<string>()
  const positionals: string[] = []
  const valueNames = new Set(spec.values ?? [])
  const flagNames = new Set([...(spec.flags ?? []), ...GLOBAL_FLAGS])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg === '-h') flags.add('help')
      else positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    if (valueNames.has(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`)
      values.set(name, value)
    } else if (flagNames.has(name) && eq === -1) {
      flags.add(name)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { positionals, values, flags }
}
