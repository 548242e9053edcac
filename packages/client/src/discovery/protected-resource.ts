import {
  type ProtectedResourceMetadata,
  protectedResourceMetadataUrls,
  ResponseValidationError,
  validateProtectedResourceMetadata,
} from '@openxaa/protocol'
import { XaaError } from '../errors.js'
import { getJson, type HttpContext } from '../internal/http.js'
import { displayUrl } from '../internal/redact.js'
import { isHttpsOrLoopbackUrl } from '../internal/urls.js'

/**
 * True when the PRM `resource` names this server: the server URL itself, or (as MCP clients accept) a URL of the
 * same origin whose path is a whole-segment prefix of the server's path, without query.
 */
export function resourceCovers(resource: unknown, serverUrl: string): resource is string {
  if (typeof resource !== 'string' || !isHttpsOrLoopbackUrl(resource)) return false
  if (resource === serverUrl) return true
  const r = new URL(resource)
  const s = new URL(serverUrl)
  if (r.origin !== s.origin || r.search !== '' || resource.includes('?')) return false
  const prefix = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`
  return r.pathname === s.pathname || s.pathname.startsWith(prefix)
}

/**
 * Finds the MCP server's Protected Resource Metadata: the challenge's `resource_metadata` first, then the
 * path-inserted and the root well-known URIs. A document whose `resource` is not this server is refused
 * (`ERR_PRM_RESOURCE_MISMATCH`): an attacker's server must not make the client ask for another server's token.
 *
 * @see RFC 9728 sections 3 and 5; xaa-protocol.md section 6, client step 1
 */
export async function discoverProtectedResource(
  ctx: HttpContext,
  serverUrl: string,
  resourceMetadataUrl: string | undefined,
): Promise<ProtectedResourceMetadata> {
  const urls = protectedResourceMetadataUrls(serverUrl)
  if (resourceMetadataUrl !== undefined && isHttpsOrLoopbackUrl(resourceMetadataUrl)) {
    urls.unshift(resourceMetadataUrl)
  }
  let lastStatus: number | undefined
  for (const url of new Set(urls)) {
    const result = await getJson(ctx, url)
    if (result.status !== 200 || result.json === undefined) {
      lastStatus = result.status
      continue
    }
    const resource = (result.json as { resource?: unknown }).resource
    if (!resourceCovers(resource, serverUrl)) {
      throw new XaaError(
        'ERR_PRM_RESOURCE_MISMATCH',
        `the protected resource metadata at ${displayUrl(url)} names another resource than ${displayUrl(serverUrl)}`,
        { url: displayUrl(url) },
      )
    }
    try {
      return validateProtectedResourceMetadata(result.json, resource)
    } catch (error) {
      if (!(error instanceof ResponseValidationError)) throw error
      throw new XaaError('ERR_PRM_INVALID', `the protected resource metadata at ${displayUrl(url)}: ${error.message}`, {
        url: displayUrl(url),
        cause: error,
      })
    }
  }
  throw new XaaError(
    'ERR_PRM_NOT_FOUND',
    `${displayUrl(serverUrl)} publishes no protected resource metadata (last HTTP status ${lastStatus ?? 'none'}); ` +
      'it does not look like an OAuth-protected MCP server',
    { url: displayUrl(serverUrl) },
  )
}
