import {
  type AuthorizationServerMetadata,
  createJwksCache,
  GRANT_TYPE_REFRESH_TOKEN,
  type JwksCache,
  processAccessTokenResponse,
} from '@openxaa/protocol'
import { type ClientAuthentication, selectClientAuthentication } from '../client-authentication/apply.js'
import { fetchAuthorizationServerMetadata } from '../discovery/authorization-server.js'
import { SignInRequiredError, XaaError } from '../errors.js'
import type { ClientContext } from '../internal/context.js'
import { postTokenRequest, processTokenResponse, secretsOf } from '../internal/token-endpoint.js'
import type { StoredSession } from '../token-store/types.js'
import { validateIdToken } from './id-token.js'

/** Who is signed in, as the validated ID token says (no token in it). */
export interface Identity {
  issuer: string
  subject: string
  email?: string
  name?: string
  /** Epoch seconds. */
  idTokenExpiresAt: number
  signedInAt: number
  /** Whether the ID token can be renewed without the user (an IdP refresh token is kept). */
  renewable: boolean
}

/** The tokens of a successful sign-in or refresh, before the ID token is checked. */
interface IdpTokens {
  idToken: string
  refreshToken: string | undefined
}

/**
 * The IdP side of the client: its metadata, its keys, the stored session, and the silent renewal of the ID token
 * through the IdP refresh token. Sign-in flows hand their token response to {@link IdpSession.complete}.
 *
 * @see xaa-protocol.md section 2(a) and 2(d) "Refresh tokens"
 */
export class IdpSession {
  readonly #ctx: ClientContext
  #metadata: Promise<AuthorizationServerMetadata> | undefined
  #keys: JwksCache | undefined
  #refreshing: Promise<StoredSession> | undefined

  constructor(ctx: ClientContext) {
    this.#ctx = ctx
  }

  /** The IdP's validated metadata (fetched once; a failure is retried next time). */
  metadata(): Promise<AuthorizationServerMetadata> {
    if (this.#metadata === undefined) {
      const pending = fetchAuthorizationServerMetadata(this.#ctx.http, this.#ctx.options.idp.issuer, 'IdP')
      this.#metadata = pending
      pending.catch(() => {
        if (this.#metadata === pending) this.#metadata = undefined
      })
    }
    return this.#metadata
  }

  async tokenEndpoint(): Promise<string> {
    return this.#ctx.options.idp.tokenEndpoint ?? (await this.metadata()).token_endpoint
  }

  /** The client's authentication at the IdP; the method comes from the IdP metadata when it is known. */
  async authentication(): Promise<ClientAuthentication> {
    const { idp } = this.#ctx.options
    const supported =
      idp.tokenEndpoint === undefined ? (await this.metadata()).token_endpoint_auth_methods_supported : undefined
    return selectClientAuthentication({ clientId: idp.clientId, ...idp.auth }, supported, 'the IdP')
  }

  async #jwks(): Promise<JwksCache> {
    if (this.#keys === undefined) {
      const uri = (await this.metadata()).jwks_uri
      if (uri === undefined)
        throw new XaaError('ERR_CONFIG', 'the IdP metadata has no jwks_uri to check ID tokens with')
      this.#keys = createJwksCache({ uri, fetch: this.#ctx.http.fetch, clock: () => this.#ctx.nowMs() })
    }
    return this.#keys
  }

  /** The stored session, if it belongs to the configured IdP and client. */
  async stored(): Promise<StoredSession | undefined> {
    const { session } = await this.#ctx.store.read()
    const { issuer, clientId } = this.#ctx.options.idp
    return session !== undefined && session.issuer === issuer && session.clientId === clientId ? session : undefined
  }

  async identity(): Promise<Identity | undefined> {
    const s = await this.stored()
    if (s === undefined) return undefined
    return {
      issuer: s.issuer,
      subject: s.subject,
      ...(s.email === undefined ? {} : { email: s.email }),
      ...(s.name === undefined ? {} : { name: s.name }),
      idTokenExpiresAt: s.idTokenExpiresAt,
      signedInAt: s.signedInAt,
      renewable: s.refreshToken !== undefined,
    }
  }

  /**
   * A valid ID token for the token exchange: the stored one while it has `idTokenMargin` seconds left, else a
   * renewed one. Throws {@link SignInRequiredError} only when renewal is impossible or refused.
   */
  async idToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    const data = await this.#ctx.store.read()
    const session = await this.stored()
    if (session === undefined) {
      throw new SignInRequiredError(data.session === undefined ? 'no-session' : 'idp-changed')
    }
    const fresh = session.idTokenExpiresAt - this.#ctx.options.idTokenMargin > this.#ctx.nowSeconds()
    if (fresh && options.forceRefresh !== true) return session.idToken
    return (await this.refresh(session)).idToken
  }

  /** Renews the ID token with the IdP refresh token (one renewal at a time). */
  refresh(session: StoredSession): Promise<StoredSession> {
    this.#refreshing ??= this.#refresh(session).finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  async #refresh(session: StoredSession): Promise<StoredSession> {
    if (session.refreshToken === undefined) throw new SignInRequiredError('session-expired')
    this.#ctx.progress('renewing your sign-in at the IdP')
    const auth = await this.authentication()
    const body = new URLSearchParams({ grant_type: GRANT_TYPE_REFRESH_TOKEN, refresh_token: session.refreshToken })
    let tokens: IdpTokens
    try {
      const result = await postTokenRequest(this.#ctx.http, {
        url: await this.tokenEndpoint(),
        issuer: this.#ctx.options.idp.issuer,
        body,
        auth,
        nowSeconds: this.#ctx.nowSeconds(),
      })
      tokens = processTokenResponse(result, (json) => readIdpTokens(json), 'the IdP', 'ERR_TOKEN_REQUEST_FAILED', [
        ...secretsOf(auth),
        session.refreshToken,
      ])
    } catch (error) {
      const refused = error instanceof XaaError && error.oauthError !== undefined && error.code !== 'ERR_CONFIG'
      if (refused || (error instanceof XaaError && error.code === 'ERR_SIGN_IN_FAILED')) {
        this.#ctx.log('refresh refused by the IdP', { error: error.oauthError ?? error.code })
        throw new SignInRequiredError('refresh-failed', {
          ...(error.oauthError === undefined ? {} : { oauthError: error.oauthError }),
          ...(error.serverDescription === undefined ? {} : { serverDescription: error.serverDescription }),
          cause: error,
        })
      }
      throw error
    }
    const renewed = await this.complete(tokens, { subject: session.subject, keepRefreshToken: session.refreshToken })
    this.#ctx.log('ID token renewed', { expires_at: renewed.idTokenExpiresAt })
    return renewed
  }

  /** Validates a sign-in (or refresh) result and stores it as the session. */
  async complete(
    tokens: IdpTokens,
    expect: { nonce?: string; subject?: string; keepRefreshToken?: string } = {},
  ): Promise<StoredSession> {
    const { issuer, clientId } = this.#ctx.options.idp
    const now = this.#ctx.nowSeconds()
    const claims = await validateIdToken(tokens.idToken, {
      issuer,
      clientId,
      keys: await this.#jwks(),
      nowSeconds: now,
      ...(expect.nonce === undefined ? {} : { nonce: expect.nonce }),
      ...(expect.subject === undefined ? {} : { subject: expect.subject }),
    })
    const refreshToken = tokens.refreshToken ?? expect.keepRefreshToken
    const session: StoredSession = {
      issuer,
      clientId,
      idToken: tokens.idToken,
      idTokenExpiresAt: claims.exp as number,
      subject: claims.sub as string,
      signedInAt: expect.subject === undefined ? now : ((await this.stored())?.signedInAt ?? now),
      ...(refreshToken === undefined ? {} : { refreshToken }),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    }
    await this.#ctx.store.update((data) => {
      // A new sign-in (another user, perhaps) starts with no access tokens of the previous one.
      if (data.session?.subject !== session.subject) {
        data.accessTokens = {}
      }
      data.session = session
    })
    return session
  }
}

/** The ID token and refresh token of a token response; `access_token`/`token_type` are checked by protocol. */
export function readIdpTokens(json: unknown): IdpTokens {
  processAccessTokenResponse(json)
  const body = json as { id_token?: unknown; refresh_token?: unknown }
  if (typeof body.id_token !== 'string' || body.id_token === '') {
    throw new XaaError('ERR_SIGN_IN_FAILED', 'the IdP token response has no id_token (was the openid scope granted?)')
  }
  const refreshToken =
    typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined
  return { idToken: body.id_token, refreshToken }
}
