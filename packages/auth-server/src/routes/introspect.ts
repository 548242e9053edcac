/**
 * RFC 7662 token introspection for resource servers, which authenticate as clients. An inactive, unknown, revoked
 * or foreign token is `{"active": false}` and nothing more.
 * @see RFC 7662 sections 2.1-2.3; spec/xaa-protocol.md 2(e)
 */
import { JSON_MEDIA_TYPE, NO_STORE_HEADERS, ProtocolError, readForm } from '@openxaa/protocol'
import type { Context } from 'hono'
import { inspectAccessToken } from '../access-token/inspect.js'
import { AUDIT_ACTIONS, clientActor, recordRefusal } from '../audit.js'
import { authenticateClient } from '../client-auth/authenticate.js'
import type { AppEnv, RedemptionContext } from '../context.js'

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { ...NO_STORE_HEADERS, 'Content-Type': JSON_MEDIA_TYPE },
  })
}

/** The POST handler of the introspection endpoint. */
export function introspectionHandler(context: RedemptionContext) {
  return async (c: Context<AppEnv>) => {
    const requestId = c.get('requestId')
    let token: string
    try {
      const form = await readForm(c.req.raw, { maxValueLength: 16_384 })
      await authenticateClient(context, { headers: c.req.raw.headers, form })
      const value = form.get('token')
      if (value === undefined) {
        throw new ProtocolError('ERR_PARAMETER_MISSING', 'token is required', { rule: 'RFC 7662 2.1' })
      }
      token = value
    } catch (err) {
      await recordRefusal(context, AUDIT_ACTIONS.introspect, clientActor(undefined), err, { requestId })
      throw err
    }
    const inspection = await inspectAccessToken(context, token)
    if (!inspection.active) return json({ active: false })
    const { claims } = inspection
    const body: Record<string, unknown> = {
      active: true,
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      client_id: claims.client_id,
      token_type: claims.cnf?.jkt === undefined ? 'Bearer' : 'DPoP',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    }
    for (const name of ['scope', 'cnf', 'tenant', 'auth_time', 'acr', 'amr'] as const) {
      if (claims[name] !== undefined) body[name] = claims[name]
    }
    return json(body)
  }
}
