import { defineConfig } from 'vitest/config'

// Tests import workspace packages through their "source" export condition, so `npm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // eventsource(-parser) also publish a "source" condition pointing at raw TypeScript; the MCP SDKs that import
    // them are inlined so Vite (which compiles TypeScript) loads them instead of Node.
    server: { deps: { inline: [/@modelcontextprotocol\/(client|sdk)/, 'eventsource', 'eventsource-parser'] } },
  },
})
