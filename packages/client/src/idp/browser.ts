import { spawn } from 'node:child_process'

/** Opens a URL in the system browser; injectable so that tests (and headless hosts) drive the URL themselves. */
export type OpenBrowser = (url: string) => void | Promise<void>

/**
 * Opens `url` with the platform's opener (`open` on macOS, `start` on Windows, `xdg-open` elsewhere), detached.
 * The URL is passed as one argument, never through a shell string.
 */
export const openSystemBrowser: OpenBrowser = (url) =>
  new Promise<void>((resolve, reject) => {
    const [command, args] =
      process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
          : ['xdg-open', [url]]
    const child = spawn(command, args, { detached: true, stdio: 'ignore' })
    child.once('error', reject)
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
