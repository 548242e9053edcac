// The console browser suites without a browser, run as a user and as CI would run them (a vitest child process that
// cannot see /usr/bin/chromium): on a user's machine they say so plainly and are skipped, the run passes; under
// CI=true the missing browser fails the run.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..')
const SUITE = 'packages/auth-server/test/console/browser.test.ts'

function vitestWithoutChromium(ci: boolean): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {}
  // The child is a fresh vitest run, not a worker of this one.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'CI') env[k] = v
  env.NODE_OPTIONS = `--import ${join(root, 'test/support/hide-chromium.mjs')}`
  env.NO_COLOR = '1'
  if (ci) env.CI = 'true'
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', SUITE], {
      cwd: root,
      env,
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => {
      output += d
    })
    child.stderr.on('data', (d: Buffer) => {
      output += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe('the browser tests without a browser', () => {
  test('on a user machine: a plain message, every test skipped, the run passes', async () => {
    const run = await vitestWithoutChromium(false)
    expect(run.output).toContain(
      'SKIPPED browser tests "resource AS console in Chromium": /usr/bin/chromium is missing: install it with "apt-get update && apt-get install -y chromium"',
    )
    expect(run.output).toMatch(/Tests\s+\d+ skipped/)
    expect(run.output).not.toMatch(/\d+ (passed|failed)/)
    expect(run.code).toBe(0)
  }, 120_000)

  test('under CI=true: the missing browser fails the run, saying why', async () => {
    const run = await vitestWithoutChromium(true)
    expect(run.output).toContain('Chromium is installed (required under CI)')
    expect(run.output).toContain('/usr/bin/chromium is missing')
    expect(run.output).toMatch(/Tests\s+1 failed/)
    expect(run.code).toBe(1)
  }, 120_000)
})
