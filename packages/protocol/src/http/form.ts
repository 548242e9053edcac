import { FORM_MAX_BYTES, FORM_MAX_PARAMETERS, FORM_MEDIA_TYPE } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { formDecode } from '../internal/form-encoding.js'

/** Limits and exceptions for {@link parseForm} and {@link readForm}. */
export interface FormOptions {
  /** Names that may appear more than once (RFC 8693 2.1 lets `resource` and `audience` repeat). */
  repeatable?: readonly string[]
  /** Largest body in bytes (UTF-8). Default {@link FORM_MAX_BYTES} (64 KiB). */
  maxBytes?: number
  /** Most `name=value` pairs, empty ones included. Default {@link FORM_MAX_PARAMETERS} (64). */
  maxParameters?: number
  /** Longest decoded value, in characters. Default: only the body cap applies. */
  maxValueLength?: number
}

/**
 * A parsed OAuth form body. Empty values are absent (RFC 6749 3.1), so `get` never returns `''`.
 * Only names listed as repeatable can hold more than one value.
 */
export class OAuthForm {
  readonly #values: ReadonlyMap<string, readonly string[]>

  /** @internal use {@link parseForm}. */
  constructor(values: ReadonlyMap<string, readonly string[]>) {
    this.#values = values
  }

  /** The value of `name`, or undefined when absent or empty. For a repeatable name, the first value. */
  get(name: string): string | undefined {
    return this.#values.get(name)?.[0]
  }

  /** Every value of `name`, in order (at most one unless the name is repeatable). */
  getAll(name: string): readonly string[] {
    return this.#values.get(name) ?? []
  }

  /** True when `name` carries a non-empty value. */
  has(name: string): boolean {
    return this.#values.has(name)
  }

  /** Names with a value, in order of first appearance. */
  names(): string[] {
    return [...this.#values.keys()]
  }
}

const RULE = 'RFC 6749 3.1'

/**
 * Checks the `Content-Type` of a token-endpoint request: `application/x-www-form-urlencoded`, optionally with
 * `charset=utf-8` (other parameters are ignored; another charset is refused).
 *
 * @see RFC 6749 section 3.2 ("application/x-www-form-urlencoded")
 */
export function assertFormContentType(contentType: string | null | undefined): void {
  const [essence = '', ...parameters] = (contentType ?? '').split(';')
  if (essence.trim().toLowerCase() !== FORM_MEDIA_TYPE) {
    throw new ProtocolError('ERR_FORM_CONTENT_TYPE', `the request body must be ${FORM_MEDIA_TYPE}`, {
      rule: 'RFC 6749 3.2',
      detail: contentType ? `content type was ${contentType.slice(0, 100)}` : 'no content type',
    })
  }
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=')
    if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue
    const charset = parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase()
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new ProtocolError('ERR_FORM_CONTENT_TYPE', 'the request body must be UTF-8', {
        rule: 'RFC 6749 B',
        detail: `charset was ${charset.slice(0, 40)}`,
      })
    }
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` token-endpoint body strictly: wrong content type, repeated
 * parameters (except `repeatable` names), oversized bodies, too many parameters, malformed percent-encoding or
 * UTF-8, and empty names are refused with `invalid_request`. Empty values count as absent.
 *
 * @example
 * ```ts
 * const form = parseForm(body, headers.get('content-type'), { repeatable: ['resource', 'audience'] })
 * form.get('grant_type')
 * ```
 * @see RFC 6749 section 3.1 ("Request and response parameters MUST NOT be included more than once")
 */
export function parseForm(body: string, contentType: string | null | undefined, options: FormOptions = {}): OAuthForm {
  assertFormContentType(contentType)
  const maxBytes = options.maxBytes ?? FORM_MAX_BYTES
  const maxParameters = options.maxParameters ?? FORM_MAX_PARAMETERS
  // UTF-16 length is a lower bound of the UTF-8 length: the exact count is only needed near the cap.
  if (body.length > maxBytes || (body.length * 3 > maxBytes && utf8Length(body) > maxBytes)) {
    throw tooLarge(maxBytes)
  }
  if (hasLoneSurrogate(body)) {
    throw new ProtocolError('ERR_FORM_MALFORMED', 'the request body is not valid UTF-8', {
      rule: RULE,
      detail: 'lone surrogate in body text',
    })
  }
  const repeatable = new Set(options.repeatable ?? [])
  const values = new Map<string, string[]>()
  let count = 0
  // The WHATWG form parser skips empty sequences between '&'s; so do we, but they still count toward the cap.
  for (const pair of body.split('&')) {
    if (++count > maxParameters) {
      throw new ProtocolError('ERR_FORM_TOO_MANY_PARAMETERS', `the request has more than ${maxParameters} parameters`, {
        rule: RULE,
      })
    }
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq), 'a parameter name')
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1), `parameter ${quoteName(name)}`)
    if (name === '') {
      throw new ProtocolError('ERR_FORM_MALFORMED', 'the request has a parameter with an empty name', { rule: RULE })
    }
    if (options.maxValueLength !== undefined && value.length > options.maxValueLength) {
      throw new ProtocolError('ERR_FORM_TOO_LARGE', `parameter ${quoteName(name)} is too long`, {
        rule: RULE,
        detail: `value of ${value.length} characters, cap ${options.maxValueLength}`,
      })
    }
    // RFC 6749 3.1: "Parameters sent without a value MUST be treated as if they were omitted from the request."
    if (value === '') continue
    const existing = values.get(name)
    if (existing === undefined) {
      values.set(name, [value])
    } else if (repeatable.has(name)) {
      existing.push(value)
    } else {
      throw new ProtocolError('ERR_FORM_REPEATED_PARAMETER', `parameter ${quoteName(name)} must not be repeated`, {
        rule: RULE,
      })
    }
  }
  return new OAuthForm(values)
}

/**
 * A request body as a server runtime hands it over without a web-standard `Request`: its headers and its bytes,
 * e.g. Node's `IncomingMessage` (an async iterable of `Buffer`s). Building an undici `Request` and reading it through
 * a web stream cost a token request more CPU than parsing its form.
 */
export interface FormSource {
  readonly headers: { get(name: string): string | null }
  readonly body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null
}

/**
 * Reads and parses the form body of a web-standard `Request` (or a {@link FormSource}), stopping as soon as the size
 * cap is passed and refusing bytes that are not UTF-8 (which `request.text()` would silently replace).
 *
 * @example const form = await readForm(request, { repeatable: ['resource'] })
 * @see RFC 6749 section 3.1
 */
export async function readForm(request: Request | FormSource, options: FormOptions = {}): Promise<OAuthForm> {
  const contentType = request.headers.get('content-type')
  assertFormContentType(contentType)
  const maxBytes = options.maxBytes ?? FORM_MAX_BYTES
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
  const bytes = await readCapped(request.body, maxBytes)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (cause) {
    throw new ProtocolError('ERR_FORM_MALFORMED', 'the request body is not valid UTF-8', { rule: RULE, cause })
  }
  return parseForm(text, contentType, options)
}

async function readCapped(body: FormSource['body'], maxBytes: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  if (!('getReader' in body)) return readIterable(body, maxBytes)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

async function readIterable(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  // Leaving the loop past the cap ends the stream (a Node request takes its socket with it): hand over a body whose
  // length was declared, which the size check above refuses before reading a byte.
  for await (const chunk of body) {
    total += chunk.byteLength
    if (total > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  if (chunks.length === 1) return chunks[0]!
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function tooLarge(maxBytes: number): ProtocolError {
  return new ProtocolError('ERR_FORM_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, { rule: RULE })
}

function decodeComponent(raw: string, what: string): string {
  const decoded = formDecode(raw)
  if (decoded === undefined) {
    throw new ProtocolError('ERR_FORM_MALFORMED', `${what} has invalid percent-encoding or is not UTF-8`, {
      rule: RULE,
    })
  }
  return decoded
}

function quoteName(name: string): string {
  // Names are echoed to the caller: keep them short and printable.
  const printable = name.replace(/[^\x20-\x7e]/g, '?')
  return `"${printable.length > 40 ? `${printable.slice(0, 40)}...` : printable}"`
}

function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)
}

function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
