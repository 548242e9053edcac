import type { AuthorizationServerMetadata } from '@openxaa/protocol'
import { type ClientAuthentication, selectClientAuthentication } from '../client-authentication/apply.js'
import { XaaError } from '../errors.js'
import type { ResolvedOptions } from '../options.js'

/**
 * The client's authentication at one resource AS, looked up by its exact issuer: its registration there, or its
 * Client ID Metadata Document URL when the AS supports CIMD. Credentials of one AS are never tried at another.
 *
 * @see xaa-protocol.md section 6, client step 3; checklist item 33
 */
export function authenticationAt(
  options: ResolvedOptions,
  metadata: AuthorizationServerMetadata,
): ClientAuthentication {
  const issuer = metadata.issuer
  const creds = options.authorizationServers.get(issuer)
  const supported = metadata.token_endpoint_auth_methods_supported
  if (creds !== undefined && !('clientIdMetadataDocument' in creds)) {
    return selectClientAuthentication(creds, supported, `the authorization server ${issuer}`)
  }
  const cimd = creds !== undefined && 'clientIdMetadataDocument' in creds ? creds : undefined
  const url = cimd?.clientIdMetadataDocument ?? options.clientIdMetadataDocument
  if (url !== undefined && (cimd !== undefined || metadata.client_id_metadata_document_supported === true)) {
    return selectClientAuthentication(
      { clientId: url, ...(cimd?.privateKey === undefined ? {} : { privateKey: cimd.privateKey }) },
      supported,
      `the authorization server ${issuer}`,
    )
  }
  throw new XaaError(
    'ERR_NO_AS_CREDENTIALS',
    `this client has no registration at the authorization server ${issuer}: ` +
      'configure its client id there (openxaa servers add ... --as-client-id)',
    { url: issuer },
  )
}
