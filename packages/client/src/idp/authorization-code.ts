import { GRANT_TYPE_AUTHORIZATION_CODE } from '@openxaa/protocol'
import { XaaError } from '../errors.js'
import type { ClientContext } from '../internal/context.js'
import { redact } from '../internal/redact.js'
import { postTokenRequest, processTokenResponse, secretsOf } from '../internal/token-endpoint.js'
import type { StoredSession } from '../token-store/types.js'
import type { OpenBrowser } from './browser.js'
import { startLoopbackListener } from './loopback.js'
import { createPkce, randomValue } from './pkce.js'
import { type IdpSession, readIdpTokens } from './session.js'

/** How the browser sign-in runs. */
export interface BrowserSignInOptions {
  openBrowser: OpenBrowser
  /** How long to wait for the user, in ms. Default 5 minutes. */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * Signs the user in with the authorization code grant, PKCE S256, `state` and `nonce`, through the system browser
 * and a loopback redirect; checks the RFC 9207 `iss` of the response, exchanges the code, validates the ID token.
 *
 * @see xaa-protocol.md section 2(a); RFC 6749 4.1, RFC 7636, RFC 8252, RFC 9207, OIDC Core 3.1
 */
export async function signInWithBrowser(
  ctx: ClientContext,
  session: IdpSession,
  options: BrowserSignInOptions,
): Promise<StoredSession> {
  const metadata = await session.metadata()
  if (metadata.authorization_endpoint === undefined) {
    throw new XaaError('ERR_CONFIG', 'the IdP has no authorization endpoint; use the device sign-in')
  }
  const methods = metadata.code_challenge_methods_supported
  if (methods !== undefined && !methods.includes('S256')) {
    throw new XaaError('ERR_CONFIG', 'the IdP does not support PKCE with S256; sign-in refused')
  }
  const state = randomValue()
  const nonce = randomValue()
  const pkce = createPkce()
  const listener = await startLoopbackListener(state)
  try {
    const url = new URL(metadata.authorization_endpoint)
    const { idp } = ctx.options
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: listener.redirectUri,
      scope: idp.scopes.join(' '),
      state,
      nonce,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    ctx.progress('waiting for you to sign in in the browser')
    await options.openBrowser(url.href)
    const response = await listener.callback(options.timeoutMs ?? 300_000, options.signal)

    // RFC 9207: a server that says it sends `iss` must send it; when present it must be the IdP's issuer exactly.
    const iss = response.get('iss')
    if (
      (iss === null && metadata.authorization_response_iss_parameter_supported === true) ||
      (iss !== null && iss !== idp.issuer)
    ) {
      throw new XaaError('ERR_SIGN_IN_FAILED', 'the authorization response did not come from the configured IdP (iss)')
    }
    const error = response.get('error')
    if (error !== null) {
      const description = response.get('error_description')
      const tail = description === null ? '' : `: ${redact(description)}`
      const code = error === 'access_denied' ? 'ERR_ACCESS_DENIED' : 'ERR_SIGN_IN_FAILED'
      throw new XaaError(code, `the IdP refused the sign-in (${redact(error, [], 60)})${tail}`, { oauthError: error })
    }
    const code = response.get('code')
    if (code === null || code === '') throw new XaaError('ERR_SIGN_IN_FAILED', 'the authorization response has no code')

    ctx.progress('completing the sign-in at the IdP')
    const auth = await session.authentication()
    const body = new URLSearchParams({
      grant_type: GRANT_TYPE_AUTHORIZATION_CODE,
      code,
      redirect_uri: listener.redirectUri,
      code_verifier: pkce.verifier,
    })
    const result = await postTokenRequest(ctx.http, {
      url: await session.tokenEndpoint(),
      issuer: idp.issuer,
      body,
      auth,
      nowSeconds: ctx.nowSeconds(),
    })
    const tokens = processTokenResponse(result, readIdpTokens, 'the IdP', 'ERR_SIGN_IN_FAILED', [
      ...secretsOf(auth),
      code,
    ])
    return await session.complete(tokens, { nonce })
  } finally {
    await listener.close()
  }
}
