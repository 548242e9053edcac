/**
 * Client authentication at the token, introspection and revocation endpoints: exactly one method
 * (`client_secret_basic`, `client_secret_post`, `private_key_jwt`, or `none` for public metadata-document clients),
 * checked against the client registry or the client's metadata document.
 * @see spec/xaa-protocol.md 2(d) step 1, decision 6; RFC 6749 2.3; RFC 7523 2.2
 */
import {
  AUTH_METHOD_NONE,
  AUTH_METHOD_PRIVATE_KEY_JWT,
  type ClientAuthentication,
  type ClientAuthenticationMethod,
  createJwksCache,
  type KeySource,
  type OAuthForm,
  ProtocolError,
  type ProtocolErrorCode,
  parseClientAuthentication,
  staticKeySource,
  verifyClientAssertion,
} from '@openxaa/protocol'
import type { RedemptionRows } from '@openxaa/store'
import type { RedemptionContext } from '../context.js'
import { clientMetadataFetch, isClientMetadataDocumentUrl, loadClientMetadataDocument } from './metadata-document.js'

/** The client a request authenticated as. */
export interface AuthenticatedClient {
  clientId: string
  method: ClientAuthenticationMethod
  /** The organization a registered client belongs to; null for clients of every organization. */
  organizationId: string | null
  /** True for a Client ID Metadata Document URL client. */
  metadataDocument: boolean
}

/** The request part client authentication reads. */
export interface ClientAuthenticationRequest {
  headers: Headers
  form: OAuthForm
  /** Rows read beforehand with this client id (`readRedemptionRows`); the client row is taken from them. */
  rows?: RedemptionRows
  /** `parseClientAuthentication(headers, form)`, when the caller already parsed it. */
  auth?: ClientAuthentication
}

function failed(code: ProtocolErrorCode, detail: string): ProtocolError {
  // One public description for every registry failure: the answer must not reveal which client ids exist.
  return new ProtocolError(code, 'client authentication failed', { rule: '2(d).1 RFC 6749 2.3', detail })
}

function keySourceFor(
  context: RedemptionContext,
  keys: { jwks?: { keys: Record<string, unknown>[] } | null; jwksUri?: string | null },
  fetchImpl: typeof fetch,
): KeySource {
  try {
    if (keys.jwks) return staticKeySource(keys.jwks as never)
    const uri = keys.jwksUri as string
    let cache = context.jwksCaches.get(`client:${uri}`)
    if (!cache) {
      cache = createJwksCache({ uri, fetch: fetchImpl, clock: () => context.nowMs() })
      context.jwksCaches.set(`client:${uri}`, cache)
    }
    return cache
  } catch (err) {
    // A key set or URL the client published that cannot be used: the client's problem, not a server error.
    throw failed('ERR_CLIENT_METADATA_DOCUMENT', `client keys unusable: ${(err as Error).message.slice(0, 200)}`)
  }
}

async function checkAssertion(context: RedemptionContext, auth: ClientAuthentication, keys: () => KeySource) {
  if (auth.method !== AUTH_METHOD_PRIVATE_KEY_JWT) return
  const source = keys()
  const { issuer, endpoints, clockSkew } = context.options
  const { store } = context
  await verifyClientAssertion(auth.clientAssertion, {
    clientId: auth.clientId,
    audiences: [issuer, endpoints.token],
    keys: (header) => source(header),
    now: new Date(context.nowMs()),
    clockSkew,
    // Client assertion jtis live beside ID-JAG jtis: a prefix keeps the namespaces apart.
    replay: { firstUse: (scope, jti, exp) => store.replay.firstUse(`client-assertion:${scope}`, jti, exp) },
  })
}

/**
 * Authenticates the client of a request, or throws a {@link ProtocolError}: `invalid_client` (401) for unknown
 * clients, wrong secrets, methods the client may not use, bad assertions and unusable metadata documents;
 * `invalid_request` for two methods at once.
 * @example const client = await authenticateClient(context, { headers: req.headers, form })
 * @see spec/xaa-protocol.md 2(d) step 1
 */
export async function authenticateClient(
  context: RedemptionContext,
  request: ClientAuthenticationRequest,
): Promise<AuthenticatedClient> {
  const auth = request.auth ?? parseClientAuthentication(request.headers, request.form)
  const { clients } = context.store.authServer

  if (isClientMetadataDocumentUrl(auth.clientId)) {
    const document = await loadClientMetadataDocument(context, auth.clientId)
    if (auth.method !== document.token_endpoint_auth_method) {
      throw failed('ERR_CLIENT_AUTH_METHOD', `metadata document requires ${document.token_endpoint_auth_method}`)
    }
    if (auth.method === AUTH_METHOD_NONE && !context.options.clientIdMetadataDocuments.allowPublicClients) {
      throw failed('ERR_CLIENT_AUTH_METHOD', 'public metadata-document clients are not accepted here')
    }
    const keys = { jwks: document.jwks ?? null, jwksUri: document.jwks_uri ?? null }
    await checkAssertion(context, auth, () => keySourceFor(context, keys, clientMetadataFetch(context)))
    return { clientId: auth.clientId, method: auth.method, organizationId: null, metadataDocument: true }
  }

  const secretMethod = auth.method === 'client_secret_basic' || auth.method === 'client_secret_post'
  // Always spend the hashing time, known client or not (one read of the client row for both).
  const rows = request.rows?.key.clientId === auth.clientId ? request.rows : undefined
  const { client, ok } = secretMethod
    ? rows === undefined
      ? await clients.authenticateSecret(auth.clientId, auth.clientSecret)
      : { client: rows.client, ok: await rows.checkSecret(auth.clientSecret) }
    : { client: rows === undefined ? await clients.get(auth.clientId) : rows.client, ok: false }
  if (secretMethod) {
    if (!client) throw failed('ERR_CLIENT_UNKNOWN', 'no client with this id is registered')
    if (!client.authMethods.includes(auth.method)) throw failed('ERR_CLIENT_AUTH_METHOD', `${auth.method} not allowed`)
    if (!ok) throw failed('ERR_CLIENT_SECRET', 'client secret does not match')
  } else if (!client) {
    throw failed('ERR_CLIENT_UNKNOWN', 'no client with this id is registered')
  } else if (auth.method === AUTH_METHOD_NONE) {
    throw failed('ERR_CLIENT_AUTH_METHOD', 'a registered client must authenticate')
  } else if (!client.authMethods.includes(auth.method)) {
    throw failed('ERR_CLIENT_AUTH_METHOD', `${auth.method} not allowed`)
  } else {
    await checkAssertion(context, auth, () => keySourceFor(context, client, context.fetch))
  }
  if (!client.enabled) throw failed('ERR_CLIENT_DISABLED', 'client is disabled')
  return {
    clientId: client.clientId,
    method: auth.method,
    organizationId: client.organizationId,
    metadataDocument: false,
  }
}
