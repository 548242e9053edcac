/**
 * The token endpoint: the jwt-bearer grant (and its jwt-dpop alias) redeeming ID-JAGs. Parse the form (repeated
 * parameters refused), authenticate the client, check the grant request and any DPoP proof, then `redeemIdJag`.
 * @see spec/xaa-protocol.md 2(d); RFC 7523 2.1; RFC 9449 5; decision 8
 */

import type { HttpBindings } from '@hono/node-server'
import type { RateLimiter } from '@openxaa/ops'
import {
  accessTokenResponse,
  type ClientAuthentication,
  type FormSource,
  GRANT_TYPE_JWT_DPOP,
  JWT_BEARER_REPEATABLE_PARAMETERS,
  type OAuthForm,
  ProtocolError,
  parseClientAuthentication,
  parseJwtBearerRequest,
  readForm,
  verifyDpopProof,
} from '@openxaa/protocol'
import type { RedemptionRows } from '@openxaa/store'
import type { Context } from 'hono'
import { AUDIT_ACTIONS, clientActor, recordRefusal } from '../audit.js'
import { type AuthenticatedClient, authenticateClient } from '../client-auth/authenticate.js'
import { isClientMetadataDocumentUrl } from '../client-auth/metadata-document.js'
import type { AppEnv, RedemptionContext } from '../context.js'
import { readRedemptionRows, redeemIdJag } from '../grants/jwt-bearer.js'
import { limitByClient } from '../middleware/rate-limit.js'

function claimedClientId(headers: Headers, form: OAuthForm | undefined): string | undefined {
  if (form === undefined) return undefined
  try {
    return parseClientAuthentication(headers, form).clientId.slice(0, 512)
  } catch {
    return undefined
  }
}

/**
 * The body straight from Node's request when the server runs on `@hono/node-server` and the length is declared:
 * building the undici `Request` and reading it through a web stream cost more CPU than the form parsing. Otherwise
 * (`app.request()`, other runtimes, chunked bodies) the web-standard request.
 */
function formSource(c: Context<AppEnv>): Request | FormSource {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming
  if (incoming === undefined || incoming.headers['content-length'] === undefined || incoming.readableDidRead) {
    return c.req.raw
  }
  return { headers: c.req.raw.headers, body: incoming }
}

/** The POST handler of the token endpoint; `limiter` limits each authenticated client. */
export function tokenHandler(context: RedemptionContext, limiter: RateLimiter) {
  const { endpoints, clockSkew } = context.options
  return async (c: Context<AppEnv>) => {
    const requestId = c.get('requestId')
    const headers = c.req.raw.headers
    let form: OAuthForm | undefined
    let client: AuthenticatedClient | undefined
    let request: ReturnType<typeof parseJwtBearerRequest>
    let dpopJkt: string | undefined
    let rows: RedemptionRows | undefined
    try {
      form = await readForm(formSource(c), { repeatable: JWT_BEARER_REPEATABLE_PARAMETERS })
      // Parsed once here; a malformed one is refused by authenticateClient, which parses it again.
      let auth: ClientAuthentication | undefined
      try {
        auth = parseClientAuthentication(headers, form)
      } catch {}
      // The client, trust, account and resource rows in one query (a round trip each on PostgreSQL, otherwise).
      if (auth !== undefined && !isClientMetadataDocumentUrl(auth.clientId)) {
        rows = await readRedemptionRows(context, auth.clientId, form.get('assertion'))
      }
      client = await authenticateClient(context, {
        headers,
        form,
        ...(rows === undefined ? {} : { rows }),
        ...(auth === undefined ? {} : { auth }),
      })
      // Per client, once it is known: a failed authentication counted against the address only.
      const refused = await limitByClient(context, limiter, c, client.clientId)
      if (refused !== undefined) return refused
      request = parseJwtBearerRequest(form)
      const proof = headers.get('dpop')
      if (proof !== null) {
        ;({ jkt: dpopJkt } = await verifyDpopProof(proof, {
          htm: 'POST',
          htu: endpoints.token,
          now: new Date(context.nowMs()),
          clockSkew,
          replay: { firstUse: (jkt, jti, exp) => context.store.replay.firstUse(`dpop:${jkt}`, jti, exp) },
        }))
      } else if (request.grantType === GRANT_TYPE_JWT_DPOP) {
        throw new ProtocolError('ERR_DPOP_PROOF', 'the jwt-dpop grant requires a DPoP proof', {
          rule: 'RFC 9449 5 decision 8',
          detail: 'grant_type jwt-dpop without a DPoP header',
        })
      }
    } catch (err) {
      const clientId = client?.clientId ?? claimedClientId(headers, form)
      await recordRefusal(context, AUDIT_ACTIONS.redeem, clientActor(client?.clientId), err, {
        requestId,
        ...(clientId === undefined ? {} : { clientId }),
      })
      throw err
    }
    const result = await redeemIdJag(context, {
      assertion: request.assertion,
      client,
      requestId,
      ...(rows === undefined ? {} : { rows }),
      ...(dpopJkt === undefined ? {} : { dpopJkt }),
      ...(request.scopes === undefined ? {} : { scopes: request.scopes }),
      ...(request.resources.length === 0 ? {} : { resources: request.resources }),
    })
    // No refresh token for this grant (decision 4, checklist #26).
    return accessTokenResponse({
      accessToken: result.accessToken,
      tokenType: result.tokenType,
      expiresIn: result.expiresIn,
      scopes: result.scopes,
    })
  }
}
