import type { CliIo } from './io.js'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** A one-line progress indicator on stderr, drawn only on a terminal (never in pipes, logs or CI output). */
export interface Progress {
  /** Shows what the command is waiting for. */
  stage(text: string): void
  /** Clears the line (before printing a result or an error). */
  stop(): void
}

/** A spinner line on a terminal, nothing elsewhere. */
export function createProgress(io: CliIo): Progress {
  if (!io.isTTY) return { stage() {}, stop() {} }
  let text = ''
  let frame = 0
  let timer: NodeJS.Timeout | undefined
  const draw = () => io.stderr(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${text}…`)
  return {
    stage(next) {
      text = next
      draw()
      timer ??= setInterval(draw, 80)
      timer.unref()
    },
    stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      if (text !== '') io.stderr('\r\x1b[K')
      text = ''
    },
  }
}
