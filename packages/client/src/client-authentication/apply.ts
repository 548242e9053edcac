import {
  AUTH_METHOD_CLIENT_SECRET_BASIC,
  AUTH_METHOD_CLIENT_SECRET_POST,
  AUTH_METHOD_NONE,
  AUTH_METHOD_PRIVATE_KEY_JWT,
  buildBasicAuthorization,
  CLIENT_ASSERTION_TYPE_JWT_BEARER,
  type SigningKey,
} from '@openxaa/protocol'
import { SignJWT } from 'jose'
import { XaaError } from '../errors.js'

/** One client's credentials at one server, with the method chosen for that server. */
export type ClientAuthentication =
  | {
      method: typeof AUTH_METHOD_CLIENT_SECRET_BASIC | typeof AUTH_METHOD_CLIENT_SECRET_POST
      clientId: string
      clientSecret: string
    }
  | { method: typeof AUTH_METHOD_PRIVATE_KEY_JWT; clientId: string; privateKey: SigningKey }
  | { method: typeof AUTH_METHOD_NONE; clientId: string }

/** Credentials before a method is chosen. */
export interface ClientCredentialsInput {
  clientId: string
  clientSecret?: string
  method?: 'client_secret_basic' | 'client_secret_post'
  privateKey?: SigningKey
}

/**
 * Picks the authentication method from the server's `token_endpoint_auth_methods_supported` (RFC 8414 2: absent
 * means `client_secret_basic`): basic first, then post, for a secret; `private_key_jwt` for a key; `none` otherwise.
 * A pinned method the server does not list is refused rather than tried.
 *
 * @see xaa-protocol.md section 8, decision 6; stack.md "what real clients do"
 */
export function selectClientAuthentication(
  creds: ClientCredentialsInput,
  supported: readonly string[] | undefined,
  server: string,
): ClientAuthentication {
  const listed = supported ?? [AUTH_METHOD_CLIENT_SECRET_BASIC]
  const refuse = (method: string) =>
    new XaaError('ERR_CONFIG', `${server} does not accept ${method} client authentication`)
  if (creds.privateKey !== undefined) {
    if (supported !== undefined && !listed.includes(AUTH_METHOD_PRIVATE_KEY_JWT))
      throw refuse(AUTH_METHOD_PRIVATE_KEY_JWT)
    return { method: AUTH_METHOD_PRIVATE_KEY_JWT, clientId: creds.clientId, privateKey: creds.privateKey }
  }
  if (creds.clientSecret !== undefined) {
    const method =
      creds.method ??
      (listed.includes(AUTH_METHOD_CLIENT_SECRET_BASIC) || !listed.includes(AUTH_METHOD_CLIENT_SECRET_POST)
        ? AUTH_METHOD_CLIENT_SECRET_BASIC
        : AUTH_METHOD_CLIENT_SECRET_POST)
    if (supported !== undefined && !listed.includes(method)) throw refuse(method)
    return { method, clientId: creds.clientId, clientSecret: creds.clientSecret }
  }
  return { method: AUTH_METHOD_NONE, clientId: creds.clientId }
}

/**
 * Adds the client authentication to a token request: the Basic header, `client_id` + `client_secret` in the body,
 * a fresh `private_key_jwt` assertion (`aud` = the server's issuer, 60 s, random `jti`), or `client_id` alone.
 *
 * @see RFC 6749 section 2.3.1; RFC 7523 sections 2.2 and 3
 */
export async function applyClientAuthentication(
  auth: ClientAuthentication,
  body: URLSearchParams,
  headers: Headers,
  audience: string,
  nowSeconds: number,
): Promise<void> {
  switch (auth.method) {
    case AUTH_METHOD_CLIENT_SECRET_BASIC:
      headers.set('Authorization', buildBasicAuthorization(auth.clientId, auth.clientSecret))
      return
    case AUTH_METHOD_CLIENT_SECRET_POST:
      body.set('client_id', auth.clientId)
      body.set('client_secret', auth.clientSecret)
      return
    case AUTH_METHOD_PRIVATE_KEY_JWT: {
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: auth.privateKey.alg, kid: auth.privateKey.kid })
        .setIssuer(auth.clientId)
        .setSubject(auth.clientId)
        .setAudience(audience)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + 60)
        .setJti(crypto.randomUUID())
        .sign(auth.privateKey.privateKey)
      body.set('client_id', auth.clientId)
      body.set('client_assertion_type', CLIENT_ASSERTION_TYPE_JWT_BEARER)
      body.set('client_assertion', assertion)
      return
    }
    case AUTH_METHOD_NONE:
      body.set('client_id', auth.clientId)
      return
  }
}

/** Secrets of an authentication, for redaction of server answers. */
export function secretsOf(auth: ClientAuthentication): string[] {
  return auth.method === AUTH_METHOD_CLIENT_SECRET_BASIC || auth.method === AUTH_METHOD_CLIENT_SECRET_POST
    ? [auth.clientSecret]
    : []
}
