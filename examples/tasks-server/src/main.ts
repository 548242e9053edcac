// Starts the tasks demo server: `node --conditions=openxaa-source --import tsx src/main.ts --port 4102 --issuer <RAS issuer>`.
// Flags win over the environment: TASKS_PORT, TASKS_HOST, TASKS_ISSUER, TASKS_RESOURCE, TASKS_JWKS_URI, TASKS_DATA.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { getRequestListener } from '@hono/node-server'
import { operationsFromEnv } from '@openxaa/ops'
import { createTasksServer } from './server.js'

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
  console.log(`usage: tasks-server --issuer URL [--port N] [--host H] [--resource URL] [--jwks-uri URL] [--data FILE]

The tasks MCP demo server. Flags win over the environment: TASKS_PORT, TASKS_HOST, TASKS_ISSUER, TASKS_RESOURCE,
TASKS_JWKS_URI, TASKS_DATA. JSON request logs at OPENXAA_LOG_LEVEL; GET /healthz, /readyz, /metrics.
SIGTERM drains requests in flight, then exits 0.`)
  process.exit(0)
}
const env = process.env
const port = Number(values.port ?? env.TASKS_PORT ?? 4102)
const host = values.host ?? env.TASKS_HOST ?? '127.0.0.1'
const issuer = values.issuer ?? env.TASKS_ISSUER
if (issuer === undefined) {
  console.error('tasks-server: --issuer (or TASKS_ISSUER) is required: the issuer of the tasks authorization server')
  process.exit(2)
}
const jwksUri = values['jwks-uri'] ?? env.TASKS_JWKS_URI
const tasks = createTasksServer({
  resource: values.resource ?? env.TASKS_RESOURCE ?? `http://${host}:${port}/mcp`,
  authorizationServer: issuer,
  dataFile: values.data ?? env.TASKS_DATA ?? 'tasks.sqlite',
  ...operationsFromEnv('tasks-server', env),
  ...(jwksUri !== undefined && { jwksUri }),
})
const server = createServer(getRequestListener(tasks.fetch))
server.listen(port, host, () => {
  console.log(`tasks-server: MCP at ${tasks.resourceServer.options.resource}, tokens from ${issuer}`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Drain: no new connections, requests in flight finish, then the store closes.
    server.close(() => void tasks.close().then(() => process.exit(0)))
  })
}
