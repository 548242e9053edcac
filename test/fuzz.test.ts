// The short fuzz run of `npm test`: a few hundred hostile requests against every public endpoint of the demo.
// No 5xx, no hang, no stack trace in any response. The long run is `test/fuzz/fuzz.ts` (docs/operations.md).
import { expect, test } from 'vitest'
import { runFuzz } from './fuzz/fuzz.js'

test('fuzz (short): no 5xx, no hang, no stack trace', async () => {
  const report = await runFuzz({ inputs: 400, seed: Number(process.env.OPENXAA_FUZZ_SEED ?? 7) })
  expect(report.inputs).toBe(400)
  expect(report.examples).toEqual([])
  expect(report.serverErrors).toBe(0)
  expect(report.hangs).toBe(0)
  expect(report.stackTraces).toBe(0)
  // Most requests reached a server and were answered (fetch itself refuses a few header values).
  expect(report.byStatus['not-sent'] ?? 0).toBeLessThan(40)
}, 120_000)
