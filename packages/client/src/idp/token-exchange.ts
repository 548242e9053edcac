import { buildTokenExchangeRequest, processTokenExchangeResponse, TOKEN_TYPE_ID_TOKEN } from '@openxaa/protocol'
import { decodeJwt } from 'jose'
import { XaaError } from '../errors.js'
import type { ClientContext } from '../internal/context.js'
import { postTokenRequest, processTokenResponse, secretsOf } from '../internal/token-endpoint.js'
import type { IdpSession } from './session.js'

/** What to ask the IdP for. */
export interface IdJagRequest {
  /** The resource AS issuer, from its validated metadata. */
  audience: string
  /** The MCP server's PRM `resource`. */
  resource: string
  scopes: readonly string[]
  subjectToken: string
}

/** A fresh ID-JAG; never stored, never presented twice. */
export interface IssuedIdJag {
  idJag: string
  scopes: string[] | undefined
  expiresIn: number | undefined
}

/**
 * Asks the IdP for an ID-JAG by token exchange (`audience` = the AS issuer, `resource` = the PRM resource, `scope`)
 * and checks the answer: `issued_token_type` exactly id-jag, `token_type` N_A, the ID-JAG's `aud` the AS it was
 * asked for (it is never sent to another AS), and `cnf.jkt` = the DPoP key when a proof was sent (downgrade).
 *
 * @see xaa-protocol.md section 2(b), 2(g), checklist items 30, 32 and 34
 */
export async function requestIdJag(
  ctx: ClientContext,
  session: IdpSession,
  request: IdJagRequest,
): Promise<IssuedIdJag> {
  const auth = await session.authentication()
  const body = buildTokenExchangeRequest({
    audience: request.audience,
    resources: [request.resource],
    scopes: request.scopes,
    subjectToken: request.subjectToken,
    subjectTokenType: TOKEN_TYPE_ID_TOKEN,
  })
  ctx.progress('asking the IdP for an ID-JAG')
  const result = await postTokenRequest(ctx.http, {
    url: await session.tokenEndpoint(),
    issuer: ctx.options.idp.issuer,
    body,
    auth,
    dpop: ctx.dpop,
    nowSeconds: ctx.nowSeconds(),
  })
  const processed = processTokenResponse(
    result,
    (json) => processTokenExchangeResponse(json),
    'the IdP token exchange',
    'ERR_TOKEN_EXCHANGE_FAILED',
    [...secretsOf(auth), request.subjectToken],
  )
  let claims: ReturnType<typeof decodeJwt>
  try {
    claims = decodeJwt(processed.issuedToken)
  } catch {
    throw new XaaError('ERR_SERVER_RESPONSE', 'the IdP returned an ID-JAG that is not a JWT')
  }
  const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud
  if (!Array.isArray(aud) || aud.length !== 1 || aud[0] !== request.audience) {
    throw new XaaError(
      'ERR_ID_JAG_AUDIENCE',
      `the IdP returned an ID-JAG for another audience than ${request.audience}; it is not sent anywhere`,
    )
  }
  if (ctx.dpop !== undefined) {
    const jkt = (claims.cnf as { jkt?: unknown } | undefined)?.jkt
    if (jkt !== (await ctx.dpop.thumbprint())) {
      throw new XaaError(
        'ERR_ID_JAG_DOWNGRADE',
        "the IdP returned an ID-JAG not bound to this client's DPoP key (cnf.jkt); it is not used",
      )
    }
  }
  ctx.log('ID-JAG issued', { audience: request.audience, expires_in: processed.expiresIn })
  return { idJag: processed.issuedToken, scopes: processed.scopes, expiresIn: processed.expiresIn }
}
