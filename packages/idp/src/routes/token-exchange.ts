/**
 * The token exchange served straight from the IdP's Hono app, ahead of oidc-provider. oidc-provider's request
 * pipeline (Koa context, its body and client middleware, a client model rebuilt and validated from metadata on
 * every request) cost several times what issuing an ID-JAG needs. This route takes the common case only:
 * `grant_type` token exchange with an ID token as subject token, sent by a client that authenticates with
 * `client_secret_basic` or `client_secret_post` exactly as it is registered. Everything else, every request whose
 * client authentication does not verify, and every request this route cannot read, goes to oidc-provider as
 * before, which answers (and audits) it exactly as it always did. The exchange itself is the same code for both
 * (`handleTokenExchange`).
 * @see ../../../../shared/spec/xaa-protocol.md 2(b), section 8.3 and 8.6
 */
import type { HttpBindings } from '@hono/node-server'
import {
  FORM_MEDIA_TYPE,
  GRANT_TYPE_TOKEN_EXCHANGE,
  JSON_MEDIA_TYPE,
  NO_STORE_HEADERS,
  type OAuthForm,
  parseClientAuthentication,
  parseForm,
  TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
  TOKEN_TYPE_ID_TOKEN,
} from '@openxaa/protocol'
import type { IdpExchangeRows } from '@openxaa/store'
import { Hono } from 'hono'
import type { IdpRuntime } from '../context.js'
import { verifySecret } from '../directory/secrets.js'
import { PROVIDER_ROUTES } from '../provider/configuration.js'
import { requestIdOfContext } from '../request-id.js'
import { handleTokenExchange, readExchangeRows } from '../token-exchange/handler.js'
import { peekExchange } from '../token-exchange/request.js'
import { replayIncoming } from './replay-body.js'

/** oidc-provider's own body limit: a larger body is left for it to refuse. */
const BODY_LIMIT = 56 * 1024

type Incoming = HttpBindings['incoming']

async function readBody(incoming: Incoming, length: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let received = 0
  for await (const chunk of incoming) {
    received += (chunk as Buffer).length
    if (received > length) return undefined
    chunks.push(chunk as Buffer)
  }
  return received === length ? Buffer.concat(chunks, received) : undefined
}

const SECRET_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post']

/**
 * The client authenticated by its secret, or undefined (oidc-provider then decides). As in oidc-provider, a client
 * registered for either secret method may send its secret either way (basic or post), but never another method.
 */
async function authenticate(
  runtime: IdpRuntime,
  headers: Headers,
  form: OAuthForm,
): Promise<IdpExchangeRows | undefined> {
  let auth: ReturnType<typeof parseClientAuthentication>
  try {
    auth = parseClientAuthentication(headers, form)
  } catch {
    return undefined
  }
  if (auth.method !== 'client_secret_basic' && auth.method !== 'client_secret_post') return undefined
  // The client comes with every other row of the exchange, in one query (`readExchangeRows`).
  const rows = await readExchangeRows(runtime, auth.clientId, peekExchange(form))
  if (rows.client === undefined) return undefined
  const { client, secretHash } = rows.client
  if (!client.enabled || !SECRET_METHODS.includes(client.tokenEndpointAuthMethod)) return undefined
  return verifySecret(auth.clientSecret, secretHash) ? rows : undefined
}

/** `POST /token` for token exchanges this route can serve; everything else continues to oidc-provider. */
export function tokenExchangeRoute(runtime: IdpRuntime): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>()
  app.post(`${runtime.options.mountPath}${PROVIDER_ROUTES.token}`, async (c, next) => {
    const bindings = c.env
    const incoming = bindings?.incoming
    const length = Number(incoming?.headers['content-length'])
    const type = incoming?.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
    // Browser requests (CORS), client attestations, bodies of unknown or large size and other media types stay
    // with oidc-provider.
    if (
      incoming === undefined ||
      type !== FORM_MEDIA_TYPE ||
      incoming.headers.origin !== undefined ||
      incoming.headers['oauth-client-attestation'] !== undefined ||
      incoming.headers['oauth-client-attestation-pop'] !== undefined ||
      !Number.isSafeInteger(length) ||
      length <= 0 ||
      length > BODY_LIMIT
    ) {
      return next()
    }
    let body: Buffer | undefined
    try {
      body = await readBody(incoming, length)
    } catch {
      body = undefined
    }
    const pass = () => {
      bindings.incoming = replayIncoming(incoming, body)
      return next()
    }
    if (body === undefined) return pass()
    let form: OAuthForm
    try {
      form = parseForm(body.toString('utf8'), incoming.headers['content-type'], {
        repeatable: TOKEN_EXCHANGE_REPEATABLE_PARAMETERS,
      })
    } catch {
      return pass()
    }
    if (
      form.get('grant_type') !== GRANT_TYPE_TOKEN_EXCHANGE ||
      form.get('subject_token_type') !== TOKEN_TYPE_ID_TOKEN
    ) {
      return pass()
    }
    const rows = await authenticate(runtime, c.req.raw.headers, form)
    if (rows === undefined) return pass()
    const answer = await handleTokenExchange(runtime, {
      clientId: rows.key.clientId,
      rows,
      form,
      dpop: c.req.header('dpop') ?? '',
      provider: async () => (await runtime.provider.get()).provider,
      requestId: requestIdOfContext(c),
    })
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { ...NO_STORE_HEADERS, 'Content-Type': `${JSON_MEDIA_TYPE}; charset=utf-8`, ...answer.headers },
    })
  })
  return app
}
