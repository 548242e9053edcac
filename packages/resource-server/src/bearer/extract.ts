import { FORM_MEDIA_TYPE, ProtocolError, type ProtocolErrorCode } from '@openxaa/protocol'

/** The parts of an HTTP request where RFC 6750 section 2 says a bearer token can travel. */
export interface BearerRequestParts {
  /** Every `Authorization` field value, one per header line (joined values count as one). */
  authorization: readonly string[]
  /** The query of the request target. */
  query: URLSearchParams
  /** The body, when it is `application/x-www-form-urlencoded`; otherwise undefined. */
  form: URLSearchParams | undefined
}

// RFC 6750 2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/
const RULE = 'RFC 6750 2'

function refuse(code: ProtocolErrorCode, description: string, detail: string): ProtocolError {
  return new ProtocolError(code, description, { rule: RULE, detail })
}

/**
 * Finds the one bearer token of a request, in the `Authorization` header only. A token in the query string or in
 * a form body is refused (MCP: never in the URL; this resource advertises `bearer_methods_supported: ["header"]`),
 * as is more than one method at once (RFC 6750 2: "Clients MUST NOT use more than one method"), two headers, or a
 * malformed header: all `invalid_request` (400). No credentials, or another scheme, is `ERR_BEARER_MISSING` (401).
 *
 * @see RFC 6750 section 2 and 3.1; spec/xaa-protocol.md section 2(e)
 */
export function extractBearerToken(parts: BearerRequestParts): string {
  const header = parts.authorization.length > 0
  const query = parts.query.has('access_token')
  const body = parts.form?.has('access_token') ?? false
  const methods = [header && 'header', query && 'query', body && 'body'].filter(Boolean)
  if (methods.length > 1) {
    throw refuse(
      'ERR_BEARER_MULTIPLE_METHODS',
      'the request carries credentials in more than one way',
      `credentials in ${methods.join(' and ')}`,
    )
  }
  if (query) {
    throw refuse('ERR_BEARER_IN_QUERY', 'access tokens are not accepted in the query string', 'access_token in query')
  }
  if (body)
    throw refuse('ERR_BEARER_IN_BODY', 'access tokens are not accepted in the request body', 'access_token in body')
  if (!header) throw refuse('ERR_BEARER_MISSING', 'no access token was sent', 'no Authorization header')
  if (parts.authorization.length > 1) {
    throw refuse('ERR_BEARER_MALFORMED', 'the Authorization header is malformed', 'more than one Authorization header')
  }
  const value = parts.authorization[0]!.trim()
  const match = BEARER.exec(value)
  if (match !== null) return match[1]!
  const scheme = SCHEME.exec(value)?.[1]
  if (scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
    // Another scheme (Basic, DPoP...) is no bearer credential: answer with the plain Bearer challenge.
    throw refuse(
      'ERR_BEARER_MISSING',
      'no access token was sent',
      `Authorization scheme is ${scheme.slice(0, 16)}, not Bearer`,
    )
  }
  throw refuse(
    'ERR_BEARER_MALFORMED',
    'the Authorization header is malformed',
    'Bearer credentials are not one b64token',
  )
}

function isFormBody(headers: Headers, method: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  return type === FORM_MEDIA_TYPE
}

/**
 * The {@link BearerRequestParts} of a web-standard Request. A form body is read from a clone, so the request stays
 * readable for the handler after it.
 *
 * @see RFC 6750 section 2.2 (form-encoded body parameter)
 */
export async function bearerPartsOf(request: Request): Promise<BearerRequestParts> {
  const authorization = request.headers.get('authorization')
  const url = new URL(request.url)
  const form = isFormBody(request.headers, request.method)
    ? new URLSearchParams(await request.clone().text())
    : undefined
  return { authorization: authorization === null ? [] : [authorization], query: url.searchParams, form }
}
