/** The command line's view of the world, injectable so that tests run commands in-process. */
import type { Store } from '@openxaa/store'

/** The command line's input, output, environment and store. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  /** Everything on standard input (for --password-stdin). */
  readStdin(): Promise<string>
  env: Record<string, string | undefined>
  /** Opens the store the command names (`--database-url`, else OPENXAA_DATABASE_URL, else the default). */
  openStore(url: string | undefined): Promise<Store>
}

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
