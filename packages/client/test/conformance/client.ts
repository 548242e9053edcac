// The client under test of the MCP conformance suite's enterprise-managed-authorization scenarios
// (`auth/cross-app-access-complete-flow` in 0.1.x, `auth/enterprise-managed-authorization` in 0.2): the SDK, with
// the session the harness hands over, reaching the harness's MCP server through its IdP and AS.
//
// Contract: the server URL is the last argument; MCP_CONFORMANCE_CONTEXT holds client_id and client_secret (this
// client at the AS, client_secret_basic), idp_client_id, idp_id_token, idp_issuer and idp_token_endpoint.

import { decodeJwt } from 'jose'
import { ASSUME_ID_JAG_PROFILE, createXaaClient, MemoryTokenStore, type XaaClientOptions } from '../../src/index.js'
import { connectXaaClient } from '../../src/mcp-v2/index.js'

interface ConformanceContext {
  client_id: string
  client_secret: string
  idp_client_id: string
  idp_id_token: string
  idp_issuer: string
  idp_token_endpoint: string
}

function readContext(): ConformanceContext {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT
  if (raw === undefined) throw new Error('MCP_CONFORMANCE_CONTEXT is not set')
  const context = JSON.parse(raw) as Partial<ConformanceContext>
  for (const field of [
    'client_id',
    'client_secret',
    'idp_client_id',
    'idp_id_token',
    'idp_issuer',
    'idp_token_endpoint',
  ] as const) {
    if (typeof context[field] !== 'string') throw new Error(`MCP_CONFORMANCE_CONTEXT lacks ${field}`)
  }
  return context as ConformanceContext
}

async function main(): Promise<void> {
  const serverUrl = process.argv.at(-1)
  if (serverUrl === undefined || !/^https?:\/\//.test(serverUrl)) throw new Error('usage: client.ts <server-url>')
  const context = readContext()

  // The harness signed the user in already: its ID token becomes the stored session (the SDK validates ID tokens it
  // obtains itself; this one comes from the harness, whose IdP publishes no key set).
  const claims = decodeJwt(context.idp_id_token)
  const store = new MemoryTokenStore({
    version: 1,
    session: {
      issuer: context.idp_issuer,
      clientId: context.idp_client_id,
      idToken: context.idp_id_token,
      idTokenExpiresAt: claims.exp ?? Math.floor(Date.now() / 1000) + 300,
      subject: claims.sub ?? 'unknown',
      signedInAt: claims.iat ?? Math.floor(Date.now() / 1000),
    },
    accessTokens: {},
    bindings: {},
  })
  // A public client at the harness IdP (it gives no IdP secret); its token endpoint is given, not discovered.
  const idp: XaaClientOptions['idp'] = {
    issuer: context.idp_issuer,
    clientId: context.idp_client_id,
    tokenEndpoint: context.idp_token_endpoint,
  }

  // The harness's credentials belong to the AS of this server: discover its issuer, then bind them to it alone.
  // The harness AS lists jwt-bearer but predates authorization_grant_profiles_supported: opt in by name.
  const { issuer } = await createXaaClient({ idp }, { store }).discover(serverUrl)
  const xaa = createXaaClient(
    {
      idp,
      authorizationServers: {
        [issuer]: { clientId: context.client_id, clientSecret: context.client_secret, [ASSUME_ID_JAG_PROFILE]: true },
      },
    },
    { store },
  )
  const mcp = await connectXaaClient(xaa, serverUrl, { name: 'openxaa-conformance-client', version: '0.1.0' })
  const { tools } = await mcp.listTools()
  if (tools[0] !== undefined) await mcp.callTool({ name: tools[0].name, arguments: {} })
  await mcp.close()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`conformance client failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
