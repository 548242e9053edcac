/**
 * Client ID Metadata Documents: an https URL used as `client_id` names a JSON document the AS fetches (timeout, size
 * cap, cache, SSRF guard) and validates (`client_id` equals the URL, no shared secrets, keys for private_key_jwt).
 * @see draft-ietf-oauth-client-id-metadata-document; spec/xaa-protocol.md section 6 client step 4, decision 6
 */
import {
  AUTH_METHOD_NONE,
  AUTH_METHOD_PRIVATE_KEY_JWT,
  GRANT_TYPE_JWT_BEARER,
  JSON_MEDIA_TYPE,
  ProtocolError,
  type ProtocolErrorCode,
} from '@openxaa/protocol'
import type { RedemptionContext } from '../context.js'
import { createGuardedFetch } from '../internal/guarded-fetch.js'

/** A validated Client ID Metadata Document. */
export interface ClientMetadataDocument {
  client_id: string
  client_name?: string
  token_endpoint_auth_method: typeof AUTH_METHOD_NONE | typeof AUTH_METHOD_PRIVATE_KEY_JWT
  jwks?: { keys: Record<string, unknown>[] }
  jwks_uri?: string
  grant_types?: string[]
  redirect_uris?: string[]
  [member: string]: unknown
}

const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/

/** True when a `client_id` is shaped like a URL: it then names a metadata document, never a registered client. */
export function isClientMetadataDocumentUrl(clientId: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(clientId)
}

function refuse(detail: string, code: ProtocolErrorCode = 'ERR_CLIENT_METADATA_DOCUMENT'): ProtocolError {
  const description =
    code === 'ERR_CLIENT_GRANT_NOT_ALLOWED'
      ? 'the client is not allowed to use this grant type'
      : 'the client metadata document could not be used'
  return new ProtocolError(code, description, { rule: 'CIMD 3-4 / decision 6', detail })
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const

// The rules of a client_id URL; a document's jwks_uri follows the same ones except that it may carry a query.
function urlProblem(clientId: string, allowLoopback: boolean, strict = true): string | undefined {
  let url: URL
  try {
    url = new URL(clientId)
  } catch {
    return 'client_id is not a URL'
  }
  if (url.href !== clientId) return 'client_id is not in canonical URL form'
  const loopbackHttp = allowLoopback && url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) return 'client_id URL is not https'
  if (url.username !== '' || url.password !== '') return 'client_id URL carries user information'
  if (url.hash !== '' || clientId.includes('#')) return 'client_id URL has a fragment'
  if (!strict) return undefined
  if (url.search !== '') return 'client_id URL has a query'
  if (url.pathname === '/' || url.pathname === '') return 'client_id URL has no path'
  if (/\/\.\.?(?:\/|$)/.test(url.pathname)) return 'client_id URL has dot segments'
  return undefined
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

function validate(doc: unknown, clientId: string, allowLoopback: boolean): ClientMetadataDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw refuse('document is not a JSON object')
  const d = doc as Record<string, unknown>
  if (d.client_id !== clientId) throw refuse('document client_id differs from the URL it was fetched from')
  if (d.client_secret !== undefined || d.client_secret_expires_at !== undefined) {
    throw refuse('document carries a client secret')
  }
  const method = d.token_endpoint_auth_method ?? AUTH_METHOD_NONE
  if (method !== AUTH_METHOD_NONE && method !== AUTH_METHOD_PRIVATE_KEY_JWT) {
    throw refuse(`token_endpoint_auth_method ${String(method).slice(0, 40)} is not none or private_key_jwt`)
  }
  if (d.jwks !== undefined && d.jwks_uri !== undefined) throw refuse('document has both jwks and jwks_uri')
  if (method === AUTH_METHOD_PRIVATE_KEY_JWT && d.jwks === undefined && d.jwks_uri === undefined) {
    throw refuse('private_key_jwt without jwks or jwks_uri')
  }
  if (d.jwks !== undefined) {
    const keys = (d.jwks as { keys?: unknown } | null)?.keys
    if (!Array.isArray(keys) || keys.length === 0) throw refuse('jwks is not a JWK Set')
    for (const key of keys as Record<string, unknown>[]) {
      if (
        typeof key !== 'object' ||
        key === null ||
        key.kty === 'oct' ||
        PRIVATE_MEMBERS.some((m) => key[m] !== undefined)
      ) {
        throw refuse('jwks holds a private or symmetric key')
      }
    }
  }
  if (d.jwks_uri !== undefined) {
    const problem = typeof d.jwks_uri === 'string' ? urlProblem(d.jwks_uri, allowLoopback, false) : 'not a string'
    if (problem !== undefined) throw refuse(`jwks_uri: ${problem}`)
  }
  if (d.client_name !== undefined && typeof d.client_name !== 'string') throw refuse('client_name is not a string')
  if (d.redirect_uris !== undefined && !isStringArray(d.redirect_uris)) throw refuse('redirect_uris is malformed')
  if (d.grant_types !== undefined) {
    if (!isStringArray(d.grant_types)) throw refuse('grant_types is malformed')
    if (!d.grant_types.includes(GRANT_TYPE_JWT_BEARER)) {
      throw refuse('grant_types does not include jwt-bearer', 'ERR_CLIENT_GRANT_NOT_ALLOWED')
    }
  }
  return { ...d, token_endpoint_auth_method: method } as ClientMetadataDocument
}

/**
 * Fetches (or reuses from cache) and validates the metadata document a URL `client_id` names. Refusals are
 * `invalid_client` (`ERR_CLIENT_METADATA_DOCUMENT`), or `unauthorized_client` when it excludes this grant.
 */
export async function loadClientMetadataDocument(
  context: RedemptionContext,
  clientId: string,
): Promise<ClientMetadataDocument> {
  const settings = context.options.clientIdMetadataDocuments
  if (!settings.enabled) throw refuse('Client ID Metadata Documents are disabled here', 'ERR_CLIENT_UNKNOWN')
  const problem = urlProblem(clientId, settings.allowLoopback)
  if (problem !== undefined) throw refuse(problem)
  const now = context.nowMs()
  const cached = context.clientMetadata.get(clientId)
  if (cached && now - cached.fetchedAt < settings.ttl * 1000)
    return validate(cached.document, clientId, settings.allowLoopback)

  const guarded = createGuardedFetch(
    { loopback: settings.allowLoopback, privateNetwork: settings.allowPrivateNetwork },
    settings.maxBytes,
  )
  let text: string
  const deadline = AbortSignal.timeout(settings.timeout)
  try {
    const response = await guarded(clientId, { headers: { accept: JSON_MEDIA_TYPE }, signal: deadline })
    if (response.status !== 200) throw new Error(`status ${response.status}`)
    text = await response.text()
  } catch (err) {
    // node:http rejects an aborted request with a generic AbortError: the signal tells whether the deadline passed.
    const reason = deadline.aborted ? `timed out after ${settings.timeout} ms` : (err as Error).message
    throw refuse(`fetch failed: ${reason.slice(0, 200)}`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw refuse('document is not JSON')
  }
  const validated = validate(document, clientId, settings.allowLoopback)
  context.clientMetadata.set(clientId, { fetchedAt: now, document: validated })
  return validated
}

/** The fetch a document's `jwks_uri` is read with: the same SSRF guard as the document itself. */
export function clientMetadataFetch(context: RedemptionContext): typeof fetch {
  const { allowLoopback, allowPrivateNetwork } = context.options.clientIdMetadataDocuments
  return createGuardedFetch({ loopback: allowLoopback, privateNetwork: allowPrivateNetwork }, 65_536)
}
