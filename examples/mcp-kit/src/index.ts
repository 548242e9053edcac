// What the demo MCP servers share: the Hono wiring behind the resource-server middleware, and their command line.
export { runMcpExample } from './cli.js'
export {
  createMcpExample,
  type McpExample,
  type McpExampleOptions,
  type McpExampleParts,
  ownerOf,
  text,
} from './server.js'
