/**
 * `openxaa as ...`: the client CLI loads this module by name and calls {@link main}; the `openxaa-as` bin runs the
 * same commands. They write to the process's console.
 */
import { runCli } from './main.js'

/** Runs one `openxaa-as` command line; resolves to its exit code. */
export function main(argv: string[]): Promise<number> {
  return runCli(argv)
}
