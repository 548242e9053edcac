// Argument parsing shared by the commands: node:util parseArgs, strict, with a usage error that exits 2.
import { type ParseArgsConfig, parseArgs } from 'node:util'

/** A mistake on the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message)
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/** Parsed arguments: string options, boolean flags, positionals. */
export interface ParsedArgs {
  values: Record<string, string | undefined>
  flags: Set<string>
  positionals: string[]
}

/** Parses `argv` with `options` plus `--help` and `--database-url`; refuses unknown options and stray arguments. */
export function parse(argv: string[], options: Options, usage: string, positionals: [number, number]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...options,
        help: { type: 'boolean', short: 'h' },
        'database-url': { type: 'string' },
        json: { type: 'boolean' },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message, usage)
  }
  const [min, max] = positionals
  const values: Record<string, string | undefined> = {}
  const flags = new Set<string>()
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') values[name] = value
    else if (value === true) flags.add(name)
  }
  if (!flags.has('help') && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(`expected ${min === max ? min : `${min} to ${max}`} argument(s)`, usage)
  }
  return { values, flags, positionals: parsed.positionals }
}

/** Splits `a,b, c` into `['a', 'b', 'c']`. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
