/**
 * The peer: a stock oidc-provider 9 token endpoint issuing RFC 9068-style JWT access tokens (ES256) by
 * `client_credentials` with the resource indicators feature, its in-memory adapter and a client_secret_basic
 * client. Nothing tuned: this is what a team gets from the certified library on the same machine.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import { childMain, serveParent } from '../lib/server-process.js'

export const PEER_CLIENT = { id: 'peer-client', secret: 'peer-client-secret-0123456789abcdef' }
export const PEER_RESOURCE = 'https://api.bench.example'

await childMain(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: 'peer-es256', alg: 'ES256', use: 'sig' }
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: PEER_CLIENT.id,
        client_secret: PEER_CLIENT.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api.read api.write',
        // The key set holds one ES256 key; the RS256 default would make the client invalid (stack.md).
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    scopes: ['api.read', 'api.write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => PEER_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== PEER_RESOURCE) throw new Error('unknown resource')
          return {
            scope: 'api.read api.write',
            audience: PEER_RESOURCE,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }
        },
      },
    },
  })
  server.on('request', provider.callback())
  serveParent(
    { port, tokenPath: '/token', clientId: PEER_CLIENT.id, clientSecret: PEER_CLIENT.secret, resource: PEER_RESOURCE },
    async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  )
})
