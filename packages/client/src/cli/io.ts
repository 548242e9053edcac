// What a command may touch of the process: its streams, its environment. Tests and embedders pass their own.

/** The process interface of the CLI. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  isTTY: boolean
  env: NodeJS.ProcessEnv
  /** Reads all of stdin (for `inspect -`). */
  readStdin(): Promise<string>
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    env: process.env,
    async readStdin() {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
  }
}
