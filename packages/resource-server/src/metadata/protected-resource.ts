import {
  buildProtectedResourceMetadata,
  JSON_MEDIA_TYPE,
  type ProtectedResourceMetadata,
  protectedResourceMetadataUrls,
} from '@openxaa/protocol'
import { prmOptions, type ResolvedResourceServerOptions } from '../options.js'

/** The PRM document of a resource and where it is served. */
export interface ProtectedResourceMetadataEndpoint {
  readonly document: ProtectedResourceMetadata
  /** The URL challenges advertise in `resource_metadata`: the path-inserted form (the root one for a bare origin). */
  readonly url: string
  /** Paths this resource answers at: path-inserted, then root (RFC 9728 3.1). */
  readonly paths: readonly string[]
  /** A response for a request to one of `paths`, or undefined for any other path. */
  respond(request: Request): Response | undefined
  /** The same decision from a method and a path (for Node adapters). */
  answer(
    method: string,
    pathname: string,
  ): { status: number; headers: Record<string, string>; body: string } | undefined
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS' }

/**
 * Builds the RFC 9728 document once (`resource`, `authorization_servers`, `scopes_supported`,
 * `bearer_methods_supported: ["header"]`, `resource_name`) and answers GET/HEAD at both well-known locations:
 * `/.well-known/oauth-protected-resource/<resource path>` and `/.well-known/oauth-protected-resource`, since clients
 * try the first and fall back to the second (stack.md). Readable cross-origin, as browser clients fetch it.
 *
 * @see RFC 9728 sections 2, 3 and 3.1; spec/xaa-protocol.md section 6, server steps 1-2
 */
export function protectedResourceMetadataEndpoint(o: ResolvedResourceServerOptions): ProtectedResourceMetadataEndpoint {
  const document = Object.freeze(buildProtectedResourceMetadata(prmOptions(o)))
  const urls = protectedResourceMetadataUrls(o.resource)
  const paths = Object.freeze(urls.map((u) => new URL(u).pathname + new URL(u).search))
  const json = JSON.stringify(document)

  type Answer = { status: number; headers: Record<string, string>; body: string }
  function answer(method: string, pathname: string): Answer | undefined {
    if (!paths.includes(pathname)) return undefined
    if (method === 'OPTIONS') return { status: 204, headers: { ...CORS }, body: '' }
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { Allow: 'GET, HEAD, OPTIONS' }, body: '' }
    }
    const headers = { ...CORS, 'Content-Type': JSON_MEDIA_TYPE, 'Cache-Control': 'public, max-age=300' }
    return { status: 200, headers, body: method === 'HEAD' ? '' : json }
  }

  return Object.freeze({
    document,
    url: urls[0]!,
    paths,
    answer,
    respond(request: Request) {
      const url = new URL(request.url)
      const a = answer(request.method, url.pathname + url.search)
      if (a === undefined) return undefined
      return new Response(a.body === '' ? null : a.body, { status: a.status, headers: a.headers })
    },
  })
}
