import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { getRequestListener } from '@hono/node-server'
import { operationsFromEnv } from '@openxaa/ops'
import type { McpExample, McpExampleOptions } from './server.js'

/**
 * The command line of a demo MCP server: flags, else the environment (`${env}_PORT`, `_HOST`, `_ISSUER`,
 * `_RESOURCE`, `_JWKS_URI`, `_DATA`), then listen; SIGINT and SIGTERM drain requests in flight, close, exit 0.
 * @example await runMcpExample({ name: 'notes-server', what: 'notes', env: 'NOTES', port: 4101, create: createNotesServer })
 */
export function runMcpExample(cli: {
  /** The command's name, e.g. `notes-server`. */
  name: string
  /** What it keeps, e.g. `notes`: the default data file is `${what}.sqlite`. */
  what: string
  /** The environment's prefix, e.g. `NOTES`. */
  env: string
  /** The default port. */
  port: number
  create(options: McpExampleOptions & { dataFile: string }): McpExample
}): void {
  const { name, what, env: E } = cli
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
    console.log(`usage: ${name} --issuer URL [--port N] [--host H] [--resource URL] [--jwks-uri URL] [--data FILE]

The ${what} MCP demo server. Flags win over the environment: ${E}_PORT, ${E}_HOST, ${E}_ISSUER, ${E}_RESOURCE,
${E}_JWKS_URI, ${E}_DATA. JSON request logs at OPENXAA_LOG_LEVEL; GET /healthz, /readyz, /metrics.
SIGTERM drains requests in flight, then exits 0.`)
    process.exit(0)
  }
  const env = process.env
  const port = Number(values.port ?? env[`${E}_PORT`] ?? cli.port)
  const host = values.host ?? env[`${E}_HOST`] ?? '127.0.0.1'
  const issuer = values.issuer ?? env[`${E}_ISSUER`]
  if (issuer === undefined) {
    console.error(`${name}: --issuer (or ${E}_ISSUER) is required: the issuer of the ${what} authorization server`)
    process.exit(2)
  }
  const jwksUri = values['jwks-uri'] ?? env[`${E}_JWKS_URI`]
  const example = cli.create({
    resource: values.resource ?? env[`${E}_RESOURCE`] ?? `http://${host}:${port}/mcp`,
    authorizationServer: issuer,
    dataFile: values.data ?? env[`${E}_DATA`] ?? `${what}.sqlite`,
    ...operationsFromEnv(name, env),
    ...(jwksUri !== undefined && { jwksUri }),
  })
  const server = createServer(getRequestListener(example.fetch))
  server.listen(port, host, () => {
    console.log(`${name}: MCP at ${example.resourceServer.options.resource}, tokens from ${issuer}`)
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // Drain: no new connections, requests in flight finish, then the store closes.
      server.close(() => void example.close().then(() => process.exit(0)))
    })
  }
}
