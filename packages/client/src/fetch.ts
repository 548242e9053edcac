import type { AccessTokenBroker } from './access/broker.js'
import { readChallenge } from './discovery/challenge.js'
import { XaaError } from './errors.js'
import type { ClientContext } from './internal/context.js'
import { displayUrl } from './internal/redact.js'
import { coversScopes } from './internal/scopes.js'
import { canonicalServerUrl, isHttpsOrLoopbackUrl } from './internal/urls.js'
import type { StoredAccessToken } from './token-store/types.js'

async function drain(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {})
}

/**
 * The fetch behind `XaaClient.fetch`: attaches the server's access token (Bearer, or DPoP with a proof), and on a
 * 401 runs discovery and the cross-app access flow and retries once; on a 403 `insufficient_scope` steps up with
 * the union of scopes, at most `maxStepUps` times. Bodies are buffered so a request can be sent again.
 *
 * @see xaa-protocol.md section 2(e) and section 6, client steps 1 and 6
 */
export function wrapFetch(ctx: ClientContext, broker: AccessTokenBroker, base: typeof fetch): typeof fetch {
  return async function xaaFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const original = new Request(input, init)
    if (!isHttpsOrLoopbackUrl(original.url.split('#')[0])) return base(original)
    const serverUrl = canonicalServerUrl(original.url)
    const body = original.body === null ? undefined : await original.arrayBuffer()

    const send = async (token: StoredAccessToken | undefined): Promise<Response> => {
      const headers = new Headers(original.headers)
      if (token !== undefined) {
        headers.set('Authorization', `${token.tokenType} ${token.accessToken}`)
        if (token.tokenType === 'DPoP' && ctx.dpop !== undefined) {
          headers.set('DPoP', await ctx.dpop.proof(original.method, original.url, ctx.nowSeconds(), token.accessToken))
        }
      }
      try {
        return await base(original.url, {
          method: original.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: original.signal,
          redirect: original.redirect,
        })
      } catch (cause) {
        // The caller's own abort stays what it is (the MCP SDKs rely on it when closing); anything else is the
        // server being unreachable. fetch throws a bare TypeError('fetch failed') for that, which names no server
        // and reads like a programming mistake.
        if (original.signal.aborted) throw cause
        throw new XaaError('ERR_NETWORK', `${displayUrl(original.url)} could not be reached`, {
          url: displayUrl(original.url),
          cause,
        })
      }
    }

    let token = await broker.cached(serverUrl)
    // A known server gets a renewed token up front rather than after a 401 round trip.
    if (token === undefined && (await broker.known(serverUrl))) token = await broker.get(serverUrl)
    let response = await send(token)

    if (response.status === 401) {
      const challenge = readChallenge(response.headers)
      await drain(response)
      if (token !== undefined) await broker.forget(serverUrl)
      ctx.log('401 from the server; running cross-app access', { server: serverUrl })
      token = await broker.get(serverUrl, { challenge, renew: true })
      response = await send(token)
    }

    for (let stepUp = 0; response.status === 403 && stepUp < ctx.options.maxStepUps; stepUp++) {
      const challenge = readChallenge(response.headers)
      if (challenge?.error !== 'insufficient_scope' || challenge.scopes === undefined) break
      // Asking again for scopes already asked for cannot help: the IdP or the AS narrowed them by policy.
      if (coversScopes((await broker.requestedScopes(serverUrl)) ?? [], challenge.scopes)) break
      await drain(response)
      ctx.log('403 insufficient_scope; stepping up', { server: serverUrl, scope: challenge.scopes.join(' ') })
      token = await broker.get(serverUrl, { challenge, scopes: challenge.scopes, renew: true })
      response = await send(token)
    }
    return response
  }
}
