/**
 * Who calls the admin API: an API key (`Authorization: Bearer oxa_…`, for automation), or a user signed in at this
 * IdP whose roles include `admin` (the admin console). Anything else is 401 (no credentials) or 403 (not an admin).
 */
import type { AuditActor } from '@openxaa/store'
import type { Context } from 'hono'
import type { IdpRuntime } from '../../context.js'
import { hashSecret } from '../../directory/secrets.js'
import { AdminError } from '../errors.js'

/** The role that grants the admin API to a signed-in user. */
export const ADMIN_ROLE = 'admin'

/** Authenticates the caller, or throws 401/403. */
export async function authenticateAdmin(runtime: IdpRuntime, c: Context): Promise<AuditActor> {
  const authorization = c.req.header('authorization')
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization)
    if (!match) throw new AdminError('unauthorized', 'the Authorization header must be a Bearer API key')
    const key = await runtime.store.idp.apiKeys.findActiveByHash(hashSecret(match[1]!))
    if (key === undefined) throw new AdminError('unauthorized', 'the API key is not valid')
    return { type: 'api_key', id: key.id }
  }
  const env = c.env as { incoming?: import('node:http').IncomingMessage; outgoing?: import('node:http').ServerResponse }
  if (env?.incoming && env.outgoing) {
    const { provider } = await runtime.provider.get()
    const session = await provider.Session.get(provider.createContext(env.incoming, env.outgoing))
    if (session.accountId) {
      const user = await runtime.store.idp.users.get(session.accountId)
      if (user?.status !== 'active' || !user.roles.includes(ADMIN_ROLE)) {
        throw new AdminError('forbidden', 'the signed-in user is not an administrator')
      }
      return { type: 'user', id: user.id }
    }
  }
  throw new AdminError('unauthorized', 'sign in as an administrator or send an API key')
}
