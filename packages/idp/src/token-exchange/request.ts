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
