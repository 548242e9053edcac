// One bounded fetch of a JWK Set: status 200, no redirects, a deadline covering the body, a byte cap.
import type { JSONWebKeySet } from 'jose'
import { toVerificationKeySet } from '../internal/jwk.js'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Problem with a `jwks_uri`, or undefined: https only, except plain http on loopback for tests and development. */
export function jwksUriProblem(uri: URL): string | undefined {
  if (uri.username !== '' || uri.password !== '') return 'must not carry user information'
  if (uri.hash !== '') return 'must not have a fragment'
  if (uri.protocol === 'https:') return undefined
  if (uri.protocol === 'http:' && LOOPBACK_HOSTS.has(uri.hostname)) return undefined
  return 'must use https (plain http only on 127.0.0.1, localhost or [::1])'
}

export interface FetchJwkSetOptions {
  fetch: typeof fetch
  timeout: number
  maxBytes: number
  accept: string
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, signal: AbortSignal) {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  // A fetch implementation that ignores the signal while streaming still stops at the deadline.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error('aborted'))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
  aborted.catch(() => {})
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted])
      if (done) break
      size += value.byteLength
      if (size > maxBytes) throw new Error(`body exceeds ${maxBytes} bytes`)
      chunks.push(value)
    }
  } finally {
    reader.cancel().catch(() => {})
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  // undici reports connection failures as "fetch failed" with the system error as cause.
  const code = (err.cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? `${err.message} (${code})` : err.message
}

/** Fetches and parses a JWK Set, keeping verification members only. Rejects with an Error whose message is private. */
export async function fetchJwkSet(uri: URL, options: FetchJwkSetOptions): Promise<JSONWebKeySet> {
  const signal = AbortSignal.timeout(options.timeout)
  let text: string
  try {
    const response = await options.fetch(uri.href, {
      signal,
      redirect: 'manual',
      headers: { accept: options.accept },
    })
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel().catch(() => {})
      throw new Error(`status ${response.status}`)
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN)
    if (length > options.maxBytes) {
      await response.body.cancel().catch(() => {})
      throw new Error(`content-length ${length} exceeds ${options.maxBytes} bytes`)
    }
    const bytes = await readCapped(response.body, options.maxBytes, signal)
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (err) {
    throw new Error(signal.aborted ? `timed out after ${options.timeout} ms` : reasonOf(err))
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw new Error('the body is not JSON')
  }
  const set = toVerificationKeySet(document)
  if (typeof set === 'string') throw new Error(set)
  return set
}
