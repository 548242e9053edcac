/**
 * The demo started in-process for tests: the real servers, each on its own loopback port (any free one), with fresh
 * data in a temp folder and one clock shared by every server and by the test's clients.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Demo, type DemoDeps, startDemo } from '../../src/index.js'

/**
 * Real time plus an offset the tests move: oidc-provider stamps its own tokens with the real clock, so the shared
 * clock must never fall behind it.
 */
export class TestClock {
  offset = 0
  readonly now = () => Date.now() + this.offset
  advance(seconds: number): void {
    this.offset += seconds * 1000
  }
}

/** A demo on free ports in a temp folder; `close` also deletes the folder. */
export async function startTestDemo(clock: TestClock, deps: DemoDeps = {}): Promise<Demo & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-demo-'))
  const demo = await startDemo(
    {
      ports: { idp: 0, notesAs: 0, notesMcp: 0, tasksAs: 0, tasksMcp: 0 },
      dataDir,
      databaseUrl: undefined,
      schemaPrefix: 'unused',
      reset: false,
    },
    // The lowest scrypt cost the IdP takes: the seed hashes five passwords.
    { clock: clock.now, passwordHashCost: 12, ...deps },
  )
  return {
    ...demo,
    dataDir,
    async close() {
      await demo.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
