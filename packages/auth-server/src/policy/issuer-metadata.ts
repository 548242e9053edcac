/**
 * Finds a trusted issuer's `jwks_uri` through its metadata (RFC 8414, then OIDC discovery), with the issuer-equality
 * check of RFC 8414 3.3. Used when a trust names no key location, and by "verify issuer metadata" in the admin API.
 * @see spec/xaa-protocol.md 2(d) step 4 ("jwks_uri from its metadata"), checklist #28
 */
import {
  authorizationServerMetadataUrls,
  JSON_MEDIA_TYPE,
  validateAuthorizationServerMetadata,
} from '@openxaa/protocol'

const METADATA_TIMEOUT_MS = 5000
const METADATA_MAX_BYTES = 256 * 1024

/** What the issuer's metadata says about its keys. */
export interface IssuerMetadataResult {
  metadataUrl: string
  jwksUri: string
}

/**
 * Fetches the issuer's metadata from each discovery URL in turn; the first document whose `issuer` equals `issuer`
 * exactly and that names a `jwks_uri` wins. Throws an Error with a private, token-free reason otherwise.
 */
export async function discoverIssuerKeys(issuer: string, fetchImpl: typeof fetch): Promise<IssuerMetadataResult> {
  const reasons: string[] = []
  for (const url of authorizationServerMetadataUrls(issuer)) {
    try {
      const response = await fetchImpl(url, {
        headers: { accept: JSON_MEDIA_TYPE },
        redirect: 'manual',
        signal: AbortSignal.timeout(METADATA_TIMEOUT_MS),
      })
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => {})
        reasons.push(`${url}: status ${response.status}`)
        continue
      }
      const text = await response.text()
      if (text.length > METADATA_MAX_BYTES) throw new Error('document too large')
      const metadata = validateAuthorizationServerMetadata(JSON.parse(text), issuer)
      if (typeof metadata.jwks_uri !== 'string') throw new Error('metadata names no jwks_uri')
      return { metadataUrl: url, jwksUri: metadata.jwks_uri }
    } catch (err) {
      reasons.push(`${url}: ${(err as Error).message.slice(0, 120)}`)
    }
  }
  throw new Error(`no usable metadata for the issuer (${reasons.join('; ')})`)
}
