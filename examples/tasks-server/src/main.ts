// Starts the tasks demo server: `node --conditions=openxaa-source --import tsx src/main.ts --port 4102 --issuer <RAS issuer>`.
// Flags win over the environment: TASKS_PORT, TASKS_HOST, TASKS_ISSUER, TASKS_RESOURCE, TASKS_JWKS_URI, TASKS_DATA.
import { runMcpExample } from '@openxaa/example-mcp-kit'
import { createTasksServer } from './server.js'

runMcpExample({ name: 'tasks-server', what: 'tasks', env: 'TASKS', port: 4102, create: createTasksServer })
