// Express / plain node:http adapter: type-only imports, so the package has no runtime dependency on express.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FORM_MEDIA_TYPE } from '@openxaa/protocol'
import type { BearerRequestParts } from '../bearer/extract.js'
import { type McpAuthInfo, toMcpAuthInfo } from '../mcp/auth-info.js'
import type { McpAuthOptions } from '../mcp/authenticate.js'
import { checkToolScopes, scopesForMcpMessage, unionScopes } from '../mcp/tool-scopes.js'
import type { ResourceServer } from '../resource-server.js'

/** A Node request as Express shapes it: `auth` is set by {@link requireAuth}; `body` if a body parser ran. */
export type NodeAuthRequest = IncomingMessage & { auth?: McpAuthInfo; body?: unknown; originalUrl?: string }
/** Express's `next`. */
export type NextFunction = (err?: unknown) => void
/** Express-compatible middleware that also works on plain `node:http` (pass a `next`). */
export type NodeMiddleware = (req: NodeAuthRequest, res: ServerResponse, next: NextFunction) => void

const MAX_BODY = 4 * 1024 * 1024

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.statusCode = status
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.end(body)
}

function mediaType(req: IncomingMessage): string | undefined {
  return req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new RangeError('request body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

// Reads the body once when nothing has (no body parser), and leaves the parse on req.body for the next handler.
async function ensureBody(req: NodeAuthRequest, kind: 'json' | 'form'): Promise<void> {
  if (req.body !== undefined || req.readableEnded) return
  const text = await readBody(req)
  req.body = kind === 'json' ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text))
  // body-parser skips a request whose body was already read.
  ;(req as { _body?: boolean })._body = true
}

function formOf(body: unknown): URLSearchParams {
  const form = new URLSearchParams()
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) {
      for (const v of Array.isArray(value) ? value : [value]) form.append(key, String(v))
    }
  }
  return form
}

/** The {@link BearerRequestParts} of a Node request; duplicated `Authorization` headers are all kept. */
async function partsOf(req: NodeAuthRequest): Promise<BearerRequestParts> {
  // node:http keeps only the first of several Authorization headers in req.headers; headersDistinct has them all.
  const distinct = req.headersDistinct?.authorization
  const single = req.headers.authorization
  const authorization = distinct ?? (single === undefined ? [] : [single])
  const query = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').searchParams
  let form: URLSearchParams | undefined
  if (mediaType(req) === FORM_MEDIA_TYPE && req.method !== 'GET' && req.method !== 'HEAD') {
    await ensureBody(req, 'form')
    form = formOf(req.body)
  }
  return { authorization, query, form }
}

/**
 * Express/Node middleware that serves the RFC 9728 document at both well-known paths and calls `next()` for
 * anything else: `app.use(protectedResourceMetadata(rs))`.
 *
 * @see RFC 9728 section 3; spec/xaa-protocol.md section 6, server steps 1-2
 */
export function protectedResourceMetadata(rs: ResourceServer): NodeMiddleware {
  return (req, res, next) => {
    const url = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost')
    const answer = rs.metadataAnswer(req.method ?? 'GET', url.pathname + url.search)
    if (answer === undefined) return next()
    send(res, answer.status, answer.headers, answer.body)
  }
}

/**
 * Express/Node middleware for an MCP endpoint: verifies the bearer token and the scopes the request needs (base
 * `requiredScopes`, plus for `tools/call` the tool's), then sets `req.auth` to the MCP SDK `AuthInfo` (which the
 * SDK's Streamable HTTP transport hands to tool handlers as `extra.authInfo`) and calls `next()`. Otherwise it
 * answers the 400/401/403 challenge and the handler never runs. Reads the JSON body itself if no parser did.
 *
 * @example
 * app.post('/mcp', express.json(), requireAuth(rs, { toolScopes }), (req, res) => transport.handleRequest(req, res, req.body))
 * @see spec/xaa-protocol.md section 6; checklist items 36 and 37
 */
export function requireAuth(rs: ResourceServer, options: McpAuthOptions = {}): NodeMiddleware {
  const base = Object.freeze([...(options.requiredScopes ?? [])])
  const toolScopes = options.toolScopes === undefined ? undefined : checkToolScopes(options.toolScopes)
  async function run(req: NodeAuthRequest, res: ServerResponse, next: NextFunction): Promise<void> {
    let required: readonly string[] = base
    if (toolScopes !== undefined && req.method === 'POST' && mediaType(req) === 'application/json') {
      try {
        await ensureBody(req, 'json')
      } catch {
        const error = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }
        return send(res, 400, { 'Content-Type': 'application/json' }, JSON.stringify(error))
      }
      required = unionScopes(base, scopesForMcpMessage(req.body, toolScopes))
    }
    const verdict = await rs.authenticateParts(await partsOf(req), { requiredScopes: required })
    if (!verdict.ok) return send(res, verdict.status, { ...verdict.headers }, verdict.body)
    req.auth = toMcpAuthInfo(rs, verdict)
    next()
  }
  return (req, res, next) => {
    run(req, res, next).catch(next)
  }
}

export type { McpAuthOptions } from '../mcp/authenticate.js'
