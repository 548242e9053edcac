import {
  type AuthorizationServerMetadata,
  authorizationServerMetadataUrls,
  GRANT_PROFILE_ID_JAG,
  GRANT_TYPE_JWT_BEARER,
  ResponseValidationError,
  validateAuthorizationServerMetadata,
} from '@openxaa/protocol'
import { XaaError } from '../errors.js'
import { getJson, type HttpContext } from '../internal/http.js'
import { displayUrl } from '../internal/redact.js'
import { ASSUME_ID_JAG_PROFILE, type AuthorizationServerCredentials } from '../options.js'

/**
 * Fetches an issuer's metadata from the RFC 8414 / OIDC discovery URLs in the MCP order. A document whose `issuer`
 * is not exactly the issuer the URL was built from is discarded; when no document remains and one was discarded,
 * the refusal is `ERR_AS_ISSUER_MISMATCH` (a mix-up attempt or a misconfigured server).
 *
 * @see RFC 8414 section 3.3; xaa-protocol.md section 6, client step 2, and checklist item 30
 */
export async function fetchAuthorizationServerMetadata(
  ctx: HttpContext,
  issuer: string,
  role: string,
): Promise<AuthorizationServerMetadata> {
  let mismatch = false
  let lastStatus: number | undefined
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const result = await getJson(ctx, url)
    if (result.status !== 200 || result.json === undefined) {
      lastStatus = result.status
      continue
    }
    try {
      return validateAuthorizationServerMetadata(result.json, issuer)
    } catch (error) {
      if (!(error instanceof ResponseValidationError)) throw error
      if (error.code === 'ERR_METADATA_ISSUER') {
        mismatch = true
        continue
      }
      throw new XaaError('ERR_AS_METADATA_INVALID', `the metadata of the ${role} ${issuer}: ${error.message}`, {
        url: displayUrl(url),
        cause: error,
      })
    }
  }
  if (mismatch) {
    throw new XaaError(
      'ERR_AS_ISSUER_MISMATCH',
      `the metadata of the ${role} ${issuer} names another issuer; it was discarded (RFC 8414 3.3)`,
      { url: issuer },
    )
  }
  throw new XaaError(
    'ERR_AS_METADATA_NOT_FOUND',
    `the ${role} ${issuer} publishes no metadata (last HTTP status ${lastStatus ?? 'none'})`,
    { url: issuer },
  )
}

/**
 * Refuses a resource AS that does not advertise the id-jag grant profile: the client never falls back to an
 * interactive login at the vendor's server. `ASSUME_ID_JAG_PROFILE` on the AS's credentials accepts an AS that lists
 * the jwt-bearer grant but not (yet) the profile.
 *
 * @see xaa-protocol.md section 3 (RAS rows) and section 5, "How a client decides to use the flow"
 */
export function assertIdJagProfile(
  metadata: AuthorizationServerMetadata,
  credentials: AuthorizationServerCredentials | undefined,
): void {
  const grants = metadata.grant_types_supported
  if (grants !== undefined && !grants.includes(GRANT_TYPE_JWT_BEARER)) {
    throw new XaaError(
      'ERR_XAA_PROFILE_MISSING',
      `the authorization server ${metadata.issuer} does not offer the jwt-bearer grant, so it cannot redeem ` +
        'ID-JAGs; OpenXAA does not fall back to an interactive login at that server',
      { url: metadata.issuer },
    )
  }
  if (metadata.authorization_grant_profiles_supported?.includes(GRANT_PROFILE_ID_JAG)) return
  if (credentials?.[ASSUME_ID_JAG_PROFILE] === true) return
  throw new XaaError(
    'ERR_XAA_PROFILE_MISSING',
    `the authorization server ${metadata.issuer} does not support cross-app access ` +
      `(authorization_grant_profiles_supported lacks ${GRANT_PROFILE_ID_JAG}); ` +
      'OpenXAA does not fall back to an interactive login at that server',
    { url: metadata.issuer },
  )
}
