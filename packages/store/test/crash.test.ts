import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, expect, test } from 'vitest'
import { openStore } from '../src/index.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const WRITER = join(import.meta.dirname, 'fixtures', 'crash-writer.ts')
const dir = mkdtempSync(join(tmpdir(), 'openxaa-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the writer until it has acknowledged `acks` batches, then SIGKILLs it; returns every ack it printed. */
function burstAndKill(file: string, prefix: string, acks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=openxaa-source', '--import', 'tsx', WRITER, file, prefix], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const acked: number[] = []
    let buffered = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line)
        if (m) acked.push(Number(m[1]))
      }
      if (acked.length >= acks && !child.killed) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${code}): ${stderr}`))
      else resolve(acked)
    })
  })
}

test('SIGKILL mid-burst: every acknowledged transaction is there, none is half-written', async () => {
  const file = join(dir, 'crash.db')
  // Two rounds: the second writes on top of the WAL the first one left behind when it was killed.
  const before = new Set<string>()
  for (const round of ['first', 'second']) {
    const acked = await burstAndKill(file, round, 150)
    expect(acked.length).toBeGreaterThanOrEqual(150)
    const store = await openStore({ url: `sqlite:${file}` })
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db)
    expect(integrity.rows).toEqual([{ integrity_check: 'ok' }])
    const batches = await store.db
      .selectFrom('audit_event')
      .select(['request_id', (eb) => eb.fn.countAll<number>().as('rows')])
      .where('action', '=', 'test.burst')
      .groupBy('request_id')
      .execute()
    const replayed = new Set(
      (await store.db.selectFrom('replay_jti').select('jti').where('iss', '=', 'crash-writer').execute()).map(
        (r) => r.jti,
      ),
    )
    const present = new Map(batches.map((b) => [b.request_id, Number(b.rows)]))
    // Every acknowledged batch survived, whole.
    for (const n of acked) {
      expect(present.get(`${round}-${n}`), `${round} batch ${n}`).toBe(5)
      expect(replayed.has(`${round}-${n}`), `${round} batch ${n} jti`).toBe(true)
    }
    // No batch is partial: each is all five audit rows plus its jti, or absent (at most one unacknowledged
    // batch may have committed just before the kill).
    for (const [id, rows] of present) {
      expect(rows, `${id} rows`).toBe(5)
      expect(replayed.has(id as string), `${id} jti`).toBe(true)
    }
    expect(replayed.size).toBe(present.size)
    const thisRound = [...present.keys()].filter((id) => !before.has(id as string))
    expect(thisRound.length - acked.length).toBeGreaterThanOrEqual(0)
    expect(thisRound.length - acked.length).toBeLessThanOrEqual(1)
    for (const id of present.keys()) before.add(id as string)
    await store.close()
  }
})
