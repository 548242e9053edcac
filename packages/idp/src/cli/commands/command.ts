/** Shared by the command modules: the command shape and small argument helpers. */
import type { parseArgs } from 'node:util'
import type { AdminContext } from '../../admin/context.js'
import { type CliIo, UsageError } from '../io.js'

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

/** One command of the CLI: usage line, description, options, the number of positionals, and what it does. */
export interface Command {
  usage: string
  description: string
  options: Options
  positionals: number
  run(ctx: AdminContext, values: Record<string, unknown>, args: string[], io: CliIo): Promise<void>
}

/** A repeated option as a list. */
export const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String)

/** Prints a value as JSON. */
export const json = (io: CliIo, value: unknown) => io.out(JSON.stringify(value, null, 2))

/** An ISO 8601 option as epoch ms. */
export function time(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(String(value))
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 date, e.g. 2026-12-31T00:00:00Z`)
  return ms
}

/** The password of `user add`: standard input with --password-stdin, else OPENXAA_USER_PASSWORD. */
export async function password(values: Record<string, unknown>, io: CliIo): Promise<string | undefined> {
  if (values['password-stdin']) {
    const text = (await io.readStdin()).replace(/\r?\n$/, '')
    if (text === '') throw new UsageError('--password-stdin: standard input is empty')
    return text
  }
  return io.env.OPENXAA_USER_PASSWORD || undefined
}
