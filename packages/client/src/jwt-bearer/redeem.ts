import {
  ACCESS_TOKEN_DEFAULT_LIFETIME,
  type AuthorizationServerMetadata,
  buildJwtBearerRequest,
  processAccessTokenResponse,
} from '@openxaa/protocol'
import type { ClientAuthentication } from '../client-authentication/apply.js'
import { XaaError } from '../errors.js'
import type { ClientContext } from '../internal/context.js'
import { postTokenRequest, processTokenResponse, secretsOf } from '../internal/token-endpoint.js'
import type { StoredAccessToken } from '../token-store/types.js'

/** What to redeem where. */
export interface RedeemRequest {
  metadata: AuthorizationServerMetadata
  /** The client's credentials at this AS (and only this AS). */
  auth: ClientAuthentication
  idJag: string
  resource: string
  scopes: readonly string[]
}

/**
 * Redeems an ID-JAG at the resource AS that it names (jwt-bearer grant, `scope` and `resource` sent, the client
 * authenticated with its credentials at that AS), and returns the access token to cache.
 *
 * @see xaa-protocol.md section 2(d); RFC 7523 section 2.1; checklist items 33 and 34
 */
export async function redeemIdJag(ctx: ClientContext, request: RedeemRequest): Promise<StoredAccessToken> {
  const { metadata } = request
  const body = buildJwtBearerRequest({
    assertion: request.idJag,
    resources: [request.resource],
    scopes: request.scopes,
  })
  ctx.progress(`redeeming the ID-JAG at ${metadata.issuer}`)
  const result = await postTokenRequest(ctx.http, {
    url: metadata.token_endpoint,
    issuer: metadata.issuer,
    body,
    auth: request.auth,
    dpop: ctx.dpop,
    nowSeconds: ctx.nowSeconds(),
  })
  const processed = processTokenResponse(
    result,
    (json) => processAccessTokenResponse(json),
    `the authorization server ${metadata.issuer}`,
    'ERR_TOKEN_REQUEST_FAILED',
    [...secretsOf(request.auth), request.idJag],
  )
  if (processed.tokenType === 'DPoP' && ctx.dpop === undefined) {
    throw new XaaError(
      'ERR_SERVER_RESPONSE',
      `${metadata.issuer} issued a DPoP-bound token to a client without a DPoP key`,
    )
  }
  // Without expires_in the lifetime is unknown: assume the project default and let a 401 renew it sooner.
  const lifetime = processed.expiresIn ?? ACCESS_TOKEN_DEFAULT_LIFETIME
  ctx.log('access token issued', { issuer: metadata.issuer, expires_in: lifetime, token_type: processed.tokenType })
  return {
    accessToken: processed.accessToken,
    tokenType: processed.tokenType,
    expiresAt: ctx.nowSeconds() + lifetime,
    scopes: processed.scopes ?? [...request.scopes],
    requestedScopes: [...request.scopes],
    resource: request.resource,
    issuer: metadata.issuer,
  }
}
