/**
 * The token-exchange form as protocol parses it. oidc-provider has already read the body (and refused repeated
 * parameters except `resource` and `audience`); the form is rebuilt from what it read so that protocol's
 * `parseTokenExchangeRequest` applies every 2(b) rule with its own error.
 */
import {
  FORM_MEDIA_TYPE,
  OAuthForm,
  parseForm,
  parseTokenExchangeRequest,
  TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
  TOKEN_TYPE_ID_TOKEN,
  TOKEN_TYPE_REFRESH_TOKEN,
  type TokenExchangeRequest,
  type TokenExchangeRequestOptions,
} from '@openxaa/protocol'
import { decodeJwt } from 'jose'

/** The parameters oidc-provider must let through to the grant handler. */
export const TOKEN_EXCHANGE_PARAMETERS = [
  'requested_token_type',
  'audience',
  'resource',
  'scope',
  'authorization_details',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
] as const

/** The parameters of a request: the body oidc-provider read, or a form protocol already parsed. */
export type TokenExchangeForm = Record<string, unknown> | OAuthForm | undefined

/** Parses the token-exchange parameters out of the body oidc-provider read (or an already parsed form). */
export function parseExchange(body: TokenExchangeForm): TokenExchangeRequest {
  const options: TokenExchangeRequestOptions = { subjectTokenTypes: [TOKEN_TYPE_ID_TOKEN, TOKEN_TYPE_REFRESH_TOKEN] }
  if (body instanceof OAuthForm) return parseTokenExchangeRequest(body, options)
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(body ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') form.append(name, item)
    }
  }
  return parseTokenExchangeRequest(
    parseForm(form.toString(), FORM_MEDIA_TYPE, { repeatable: TOKEN_EXCHANGE_REPEATABLE_PARAMETERS }),
    options,
  )
}

/** What a request names before it is parsed or its subject token checked: it only chooses which rows to read. */
export interface ExchangePeek {
  audience: string | undefined
  /** The `sub` of an ID token subject token, its signature not checked; undefined for other subject tokens. */
  userId: string | undefined
}

function first(body: TokenExchangeForm, name: string): string | undefined {
  if (body instanceof OAuthForm) return body.get(name)
  const value = body?.[name]
  const item = Array.isArray(value) ? value[0] : value
  return typeof item === 'string' && item !== '' ? item : undefined
}

/**
 * The audience and the ID token's subject as the request names them, or undefined where it does not (cleanly).
 * Nothing here is trusted: the exchange uses rows read with these only when they equal the parsed audience and the
 * verified subject.
 */
export function peekExchange(body: TokenExchangeForm): ExchangePeek {
  const audience = first(body, 'audience')
  if (first(body, 'subject_token_type') !== TOKEN_TYPE_ID_TOKEN) return { audience, userId: undefined }
  let userId: string | undefined
  try {
    const sub = decodeJwt(first(body, 'subject_token') ?? '').sub
    userId = typeof sub === 'string' && sub !== '' ? sub : undefined
  } catch {
    userId = undefined
  }
  return { audience, userId }
}
