// One place where the SDK talks HTTP: deadlines, a body size cap, no redirects on POST, and errors that name the
// server (origin and path) but never a token.

import { FORM_MEDIA_TYPE, JSON_MEDIA_TYPE } from '@openxaa/protocol'
import { XaaError } from '../errors.js'
import { displayUrl } from './redact.js'

/** What every network call needs. */
export interface HttpContext {
  fetch: typeof fetch
  /** Deadline of one request, body included, in milliseconds. */
  timeoutMs: number
}

/** A response whose body was read (and parsed when it was JSON). */
export interface HttpResult {
  status: number
  headers: Headers
  json: unknown
  /** The request URL, for messages. */
  url: string
}

const MAX_BODY_BYTES = 1024 * 1024

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader()
  if (reader === undefined) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {})
      throw new Error('response body too large')
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

async function send(ctx: HttpContext, url: string, init: RequestInit): Promise<HttpResult> {
  const signal = AbortSignal.timeout(ctx.timeoutMs)
  let response: Response
  let text: string
  try {
    response = await ctx.fetch(url, { ...init, signal })
    text = await readCapped(response)
  } catch (cause) {
    const why = signal.aborted ? 'timed out' : 'could not be reached'
    throw new XaaError('ERR_NETWORK', `${displayUrl(url)} ${why}`, { url: displayUrl(url), cause })
  }
  let json: unknown
  const type = response.headers.get('content-type') ?? ''
  if (text !== '' && (type.includes('json') || text.trimStart().startsWith('{'))) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  return { status: response.status, headers: response.headers, json, url: displayUrl(url) }
}

/** GET a JSON document (metadata); redirects are followed, the caller checks what the document says it is. */
export function getJson(ctx: HttpContext, url: string): Promise<HttpResult> {
  return send(ctx, url, { method: 'GET', headers: { Accept: JSON_MEDIA_TYPE }, redirect: 'follow' })
}

/** POST a form to a token-like endpoint; never follows a redirect (credentials would travel with it). */
export function postForm(ctx: HttpContext, url: string, body: URLSearchParams, headers: Headers): Promise<HttpResult> {
  headers.set('Content-Type', FORM_MEDIA_TYPE)
  headers.set('Accept', JSON_MEDIA_TYPE)
  return send(ctx, url, { method: 'POST', headers, body: body.toString(), redirect: 'manual' })
}
