import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { XaaError } from '../errors.js'

/** A one-shot redirect listener on 127.0.0.1 (RFC 8252 7.3). */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUri: string
  /** Resolves with the query of the first callback whose `state` matches; rejects on timeout or abort. */
  callback(timeoutMs: number, signal?: AbortSignal): Promise<URLSearchParams>
  close(): Promise<void>
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`

/**
 * Listens on 127.0.0.1 on a random port for the authorization response. A callback with another `state` is answered
 * 400 and ignored (a local process cannot cancel or hijack the sign-in); only `/callback` is served.
 *
 * @see RFC 8252 sections 7.3 and 8.3; RFC 6749 section 10.12
 */
export async function startLoopbackListener(state: string): Promise<LoopbackListener> {
  let deliver: ((query: URLSearchParams) => void) | undefined
  const received = new Promise<URLSearchParams>((resolve) => {
    deliver = resolve
  })
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    if (url.searchParams.get('state') !== state) {
      res
        .writeHead(400, { 'content-type': 'text/html' })
        .end(PAGE('Sign-in not recognised', 'This response does not belong to the sign-in in progress.'))
      return
    }
    const failed = url.searchParams.has('error')
    res
      .writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .end(
        failed
          ? PAGE('Sign-in failed', 'Return to your terminal or application for details.')
          : PAGE('Signed in', 'You can close this window and return to your terminal or application.'),
      )
    deliver?.(url.searchParams)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    close,
    callback(timeoutMs, signal) {
      return new Promise<URLSearchParams>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new XaaError('ERR_SIGN_IN_FAILED', 'sign-in timed out in the browser')),
          timeoutMs,
        )
        const abort = () => reject(new XaaError('ERR_SIGN_IN_FAILED', 'sign-in was cancelled'))
        signal?.addEventListener('abort', abort, { once: true })
        received.then(resolve, reject).finally(() => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', abort)
        })
      })
    },
  }
}
