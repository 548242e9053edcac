/**
 * RFC 7009 revocation: a client revokes an access token issued to it; its `jti` is recorded until `exp`, and
 * introspection reports it inactive on every replica. Unknown, invalid or foreign tokens are answered 200 as well.
 * @see RFC 7009 sections 2.1 and 2.2; spec/xaa-protocol.md 2(e)
 */
import { NO_STORE_HEADERS, ProtocolError, readForm } from '@openxaa/protocol'
import type { Context } from 'hono'
import { inspectAccessToken } from '../access-token/inspect.js'
import { AUDIT_ACTIONS, clientActor, recordDecision, recordRefusal } from '../audit.js'
import { type AuthenticatedClient, authenticateClient } from '../client-auth/authenticate.js'
import type { AppEnv, RedemptionContext } from '../context.js'

/** The POST handler of the revocation endpoint. */
export function revocationHandler(context: RedemptionContext) {
  return async (c: Context<AppEnv>) => {
    const requestId = c.get('requestId')
    let token: string
    let client: AuthenticatedClient
    try {
      const form = await readForm(c.req.raw, { maxValueLength: 16_384 })
      client = await authenticateClient(context, { headers: c.req.raw.headers, form })
      const value = form.get('token')
      if (value === undefined) {
        throw new ProtocolError('ERR_PARAMETER_MISSING', 'token is required', { rule: 'RFC 7009 2.1' })
      }
      token = value
    } catch (err) {
      await recordRefusal(context, AUDIT_ACTIONS.revoke, clientActor(undefined), err, { requestId })
      throw err
    }
    const inspection = await inspectAccessToken(context, token, true)
    const claims = inspection.claims
    // RFC 7009 2.1: only the client the token was issued to may revoke it; anything else changes nothing.
    if (claims !== undefined && claims.client_id === client.clientId) {
      await context.store.authServer.revocations.revoke({ jti: claims.jti, clientId: client.clientId, exp: claims.exp })
      await recordDecision(context, AUDIT_ACTIONS.revoke, clientActor(client.clientId), 'change', {
        requestId,
        clientId: client.clientId,
        userId: claims.sub,
        organization: claims.tenant,
        data: { at: { jti: claims.jti } },
      })
    }
    return new Response(null, { status: 200, headers: NO_STORE_HEADERS })
  }
}
