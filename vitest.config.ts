import { defineConfig } from 'vitest/config'

// Tests import workspace packages through their "openxaa-source" export condition (their TypeScript sources), so
// `npm test` needs no build step. The condition name is ours alone: some dependencies (eventsource) publish a plain
// "source" condition pointing at raw TypeScript, which must not be picked up.
export default defineConfig({
  resolve: { conditions: ['openxaa-source'] },
  ssr: { resolve: { conditions: ['openxaa-source'], externalConditions: ['openxaa-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
