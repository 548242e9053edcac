// Starts the notes demo server: `node --conditions=openxaa-source --import tsx src/main.ts --port 4101 --issuer <RAS issuer>`.
// Flags win over the environment: NOTES_PORT, NOTES_HOST, NOTES_ISSUER, NOTES_RESOURCE, NOTES_JWKS_URI, NOTES_DATA.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { getRequestListener } from '@hono/node-server'
import { operationsFromEnv } from '@openxaa/ops'
import { createNotesServer } from './server.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    issuer: { type: 'string' },
    resource: { type: 'string' },
    'jwks-uri': { type: 'string' },
    data: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  console.log(`usage: notes-server --issuer URL [--port N] [--host H] [--resource URL] [--jwks-uri URL] [--data FILE]

The notes MCP demo server. Flags win over the environment: NOTES_PORT, NOTES_HOST, NOTES_ISSUER, NOTES_RESOURCE,
NOTES_JWKS_URI, NOTES_DATA. JSON request logs at OPENXAA_LOG_LEVEL; GET /healthz, /readyz, /metrics.
SIGTERM drains requests in flight, then exits 0.`)
  process.exit(0)
}
const env = process.env
const port = Number(values.port ?? env.NOTES_PORT ?? 4101)
const host = values.host ?? env.NOTES_HOST ?? '127.0.0.1'
const issuer = values.issuer ?? env.NOTES_ISSUER
if (issuer === undefined) {
  console.error('notes-server: --issuer (or NOTES_ISSUER) is required: the issuer of the notes authorization server')
  process.exit(2)
}
const jwksUri = values['jwks-uri'] ?? env.NOTES_JWKS_URI
const notes = createNotesServer({
  resource: values.resource ?? env.NOTES_RESOURCE ?? `http://${host}:${port}/mcp`,
  authorizationServer: issuer,
  dataFile: values.data ?? env.NOTES_DATA ?? 'notes.sqlite',
  ...operationsFromEnv('notes-server', env),
  ...(jwksUri !== undefined && { jwksUri }),
})
const server = createServer(getRequestListener(notes.fetch))
server.listen(port, host, () => {
  console.log(`notes-server: MCP at ${notes.resourceServer.options.resource}, tokens from ${issuer}`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Drain: no new connections, requests in flight finish, then the store closes.
    server.close(() => void notes.close().then(() => process.exit(0)))
  })
}
