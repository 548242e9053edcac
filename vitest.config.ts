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
    // eventsource (used by the MCP client) also exports a "source" condition pointing at its .ts files: let Vite
    // transform it instead of handing Node a .ts file.
    server: { deps: { inline: [/@modelcontextprotocol\/(client|sdk)/, 'eventsource', 'eventsource-parser'] } },
  },
})
