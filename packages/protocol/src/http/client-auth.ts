import { decodeJwt } from 'jose'
import {
  AUTH_METHOD_CLIENT_SECRET_BASIC,
  AUTH_METHOD_CLIENT_SECRET_POST,
  AUTH_METHOD_NONE,
  AUTH_METHOD_PRIVATE_KEY_JWT,
  CLIENT_ASSERTION_TYPE_JWT_BEARER,
} from '../constants.js'
import { ProtocolError } from '../errors.js'
import { formDecode, formEncode } from '../internal/form-encoding.js'
import type { OAuthForm } from './form.js'

/** How the client authenticated at the token endpoint, with the credentials still to be checked. */
export type ClientAuthentication =
  | { method: typeof AUTH_METHOD_CLIENT_SECRET_BASIC; clientId: string; clientSecret: string }
  | { method: typeof AUTH_METHOD_CLIENT_SECRET_POST; clientId: string; clientSecret: string }
  | { method: typeof AUTH_METHOD_PRIVATE_KEY_JWT; clientId: string; clientAssertion: string }
  | { method: typeof AUTH_METHOD_NONE; clientId: string }

/** The method names {@link parseClientAuthentication} can return. */
export type ClientAuthenticationMethod = ClientAuthentication['method']

/**
 * Finds the one client authentication method a token request uses and extracts its credentials (the caller then
 * checks the secret or calls {@link verifyClientAssertion}). Basic credentials are form-decoded (RFC 6749 2.3.1);
 * two methods at once are refused (`invalid_request`), a malformed one is `invalid_client`, and a form `client_id`
 * that names another client than the credentials is `invalid_request`.
 *
 * @example
 * ```ts
 * const auth = parseClientAuthentication(request.headers, form)
 * if (auth.method === 'private_key_jwt') await verifyClientAssertion(auth.clientAssertion, { clientId: auth.clientId, ... })
 * ```
 * @see RFC 6749 section 2.3 ("MUST NOT use more than one authentication method in each request"), RFC 7521 4.2
 */
export function parseClientAuthentication(headers: Headers, form: OAuthForm): ClientAuthentication {
  const authorization = headers.get('authorization')
  const formClientId = form.get('client_id')
  const formSecret = form.get('client_secret')
  const assertion = form.get('client_assertion')
  const assertionType = form.get('client_assertion_type')

  const used: string[] = []
  if (authorization !== null) used.push('the Authorization header')
  if (formSecret !== undefined) used.push('client_secret')
  if (assertion !== undefined || assertionType !== undefined) used.push('client_assertion')
  if (used.length > 1) {
    throw new ProtocolError('ERR_CLIENT_AUTH_MULTIPLE', `the client used more than one authentication method`, {
      rule: 'RFC 6749 2.3',
      detail: `methods: ${used.join(', ')}`,
    })
  }

  if (authorization !== null) {
    const { clientId, clientSecret } = parseBasicAuthorization(authorization)
    assertSameClient(formClientId, clientId)
    return { method: AUTH_METHOD_CLIENT_SECRET_BASIC, clientId, clientSecret }
  }

  if (formSecret !== undefined) {
    if (formClientId === undefined) {
      throw new ProtocolError('ERR_CLIENT_AUTH_MALFORMED', 'client_secret was sent without client_id', {
        rule: 'RFC 6749 2.3.1',
      })
    }
    return { method: AUTH_METHOD_CLIENT_SECRET_POST, clientId: formClientId, clientSecret: formSecret }
  }

  if (assertion !== undefined || assertionType !== undefined) {
    // RFC 7521 4.2: both parameters are REQUIRED together.
    if (assertionType === undefined) {
      throw new ProtocolError('ERR_PARAMETER_MISSING', 'client_assertion_type is required with client_assertion', {
        rule: 'RFC 7521 4.2',
      })
    }
    if (assertion === undefined) {
      throw new ProtocolError('ERR_PARAMETER_MISSING', 'client_assertion is required with client_assertion_type', {
        rule: 'RFC 7521 4.2',
      })
    }
    if (assertionType !== CLIENT_ASSERTION_TYPE_JWT_BEARER) {
      throw new ProtocolError('ERR_CLIENT_AUTH_MALFORMED', 'client_assertion_type is not supported', {
        rule: 'RFC 7523 2.2',
        detail: `client_assertion_type was ${assertionType.slice(0, 100)}`,
      })
    }
    // RFC 7521 4.2: client_id is OPTIONAL; the assertion's `sub` names the client. Signature checks come later.
    let sub: unknown
    try {
      sub = decodeJwt(assertion).sub
    } catch (cause) {
      throw new ProtocolError('ERR_CLIENT_ASSERTION', 'client_assertion is not a JWT', { rule: 'RFC 7523 3', cause })
    }
    if (typeof sub !== 'string' || sub === '') {
      throw new ProtocolError('ERR_CLIENT_ASSERTION', 'client_assertion has no sub claim', { rule: 'RFC 7523 3 #2' })
    }
    assertSameClient(formClientId, sub)
    return { method: AUTH_METHOD_PRIVATE_KEY_JWT, clientId: sub, clientAssertion: assertion }
  }

  if (formClientId === undefined) {
    throw new ProtocolError('ERR_CLIENT_AUTH_MISSING', 'client authentication is required', { rule: 'RFC 6749 2.3' })
  }
  return { method: AUTH_METHOD_NONE, clientId: formClientId }
}

function assertSameClient(formClientId: string | undefined, authenticated: string): void {
  if (formClientId !== undefined && formClientId !== authenticated) {
    throw new ProtocolError('ERR_CLIENT_ID_MISMATCH', 'client_id does not match the client credentials', {
      rule: 'RFC 6749 3.2.1',
    })
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function malformedBasic(detail: string): ProtocolError {
  return new ProtocolError('ERR_CLIENT_AUTH_MALFORMED', 'the Basic client credentials are malformed', {
    rule: 'RFC 6749 2.3.1',
    detail,
  })
}

/**
 * Decodes an `Authorization: Basic` header into a client id and secret. Each half was form-encoded before base64
 * (RFC 6749 2.3.1), so `%3A` in an id is a colon and `+` a space.
 *
 * @see RFC 6749 section 2.3.1, RFC 7617 section 2
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

export function parseBasicAuthorization(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]+(\S+)[ \t]*$/.exec(authorization)
  if (match === null) throw malformedBasic('Authorization header is not "scheme credentials"')
  if (match[1]!.toLowerCase() !== 'basic') {
    throw new ProtocolError('ERR_CLIENT_AUTH_MALFORMED', 'only the Basic scheme authenticates clients here', {
      rule: 'RFC 6749 2.3.1',
      detail: `scheme was ${match[1]!.slice(0, 20)}`,
    })
  }
  const encoded = match[2]!
  if (!BASE64.test(encoded)) throw malformedBasic('credentials are not base64')
  const binary = atob(encoded)
  // A plain loop: `Uint8Array.from` with a mapping function cost more than the rest of the parse. One decoder for
  // every call (a fatal decoder keeps no state between whole-buffer decodes).
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  let decoded: string
  try {
    decoded = UTF8.decode(bytes)
  } catch {
    throw malformedBasic('credentials are not UTF-8')
  }
  const colon = decoded.indexOf(':')
  if (colon === -1) throw malformedBasic('no colon between client id and secret')
  const clientId = formDecode(decoded.slice(0, colon))
  const clientSecret = formDecode(decoded.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined) throw malformedBasic('bad form-encoding in credentials')
  if (clientId === '') throw malformedBasic('empty client id')
  if (clientSecret === '') throw malformedBasic('empty client secret')
  return { clientId, clientSecret }
}

/**
 * The `Authorization` header value for `client_secret_basic`: id and secret form-encoded, joined by a colon,
 * base64-encoded (RFC 6749 2.3.1; a client that skips the form-encoding breaks on secrets with `:` or `%`).
 *
 * @example
 * ```ts
 * headers.set('Authorization', buildBasicAuthorization('client-1', 's3cr:t'))
 * ```
 * @see RFC 6749 section 2.3.1
 */
export function buildBasicAuthorization(clientId: string, clientSecret: string): string {
  if (clientId === '') throw new TypeError('clientId must not be empty')
  if (clientSecret === '') throw new TypeError('clientSecret must not be empty')
  const bytes = new TextEncoder().encode(`${formEncode(clientId)}:${formEncode(clientSecret)}`)
  // Form-encoded text is ASCII, so one byte is one char here.
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}
