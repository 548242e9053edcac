/**
 * Servers under test run in their own Node process, pinned to CPU 0 with `taskset -c 0` when the machine has it,
 * while the load generator (this process) runs on CPU 1: "requests per second on one core" then means what it says.
 * The child talks over the IPC channel: it announces `ready` with what the load needs, answers `stats` with its RSS
 * and CPU time, and exits on `stop` (writing its CPU profile when started with `--cpu-prof`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Whether `taskset` exists here (Linux util-linux). */
export const HAS_TASKSET = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0

/** Pins this process (all its threads) to `cpu`; false when that is not possible. */
export function pinSelf(cpu: number): boolean {
  if (!HAS_TASKSET) return false
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0
}

/** Resource use of a server process. */
export interface ProcessStats {
  /** Resident set size, bytes. */
  rss: number
  /** User + system CPU time since start, microseconds. */
  cpu: number
}

/** A running server process. */
export interface ServerProcess<Ready> {
  readonly ready: Ready
  readonly child: ChildProcess
  stats(): Promise<ProcessStats>
  /**
   * Starts V8's CPU profiler in the server (what `node --cpu-prof` runs, but for the measured window only: start-up
   * and module loading stay out of the profile).
   */
  startProfile(): Promise<void>
  /** Stops the profiler and writes the `.cpuprofile` to `file`. */
  stopProfile(file: string): Promise<void>
  /** Sends a message and waits for the answer of the same `type`. */
  ask<T>(message: { type: string; [key: string]: unknown }): Promise<T>
  stop(): Promise<void>
}

/** Options of {@link startServerProcess}. */
export interface StartOptions {
  /** CPU to pin the server to (default 0); `false` for no pinning. */
  cpu?: number | false
  /** Arguments after the script. */
  args?: string[]
  env?: Record<string, string>
  /** Milliseconds to wait for `ready` (default 120 s: the PostgreSQL and sign-in setup is not instant). */
  timeout?: number
}

/** Starts `bench/<script>` (TypeScript, run from source) and waits for its `ready` message. */
export async function startServerProcess<Ready>(
  script: string,
  options: StartOptions = {},
): Promise<ServerProcess<Ready>> {
  const nodeArgs = [
    '--conditions=openxaa-source',
    '--import',
    'tsx',
    join(ROOT, 'bench', script),
    ...(options.args ?? []),
  ]
  const cpu = options.cpu ?? 0
  const [command, args] =
    cpu !== false && HAS_TASKSET
      ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs]
  const child = spawn(command, args as string[], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script}: no ready message`)), options.timeout ?? 120_000)
    const onMessage = (m: { type?: string; error?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(m as Ready)
      } else if (m?.type === 'error') {
        clearTimeout(timer)
        reject(new Error(`${script}: ${m.error}`))
      }
    }
    child.on('message', onMessage)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code} before it was ready`))
    })
  })
  const ask = <T>(message: { type: string; [key: string]: unknown }): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (m: { type?: string }) => {
        if (m?.type !== message.type) return
        child.off('message', onMessage)
        resolve(m as T)
      }
      child.on('message', onMessage)
      child.send(message)
    })
  return {
    ready,
    child,
    ask,
    stats: () => ask<ProcessStats & { type: string }>({ type: 'stats' }),
    startProfile: async () => {
      await ask({ type: 'profile-start' })
    },
    stopProfile: async (file) => {
      await ask({ type: 'profile-stop', file })
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.send({ type: 'stop' })
      }),
  }
}

/**
 * The child's side: announces `ready`, answers `stats`, runs `close` and exits on `stop`. Extra handlers answer
 * other message types (the answer carries the same `type`).
 */
export function serveParent(
  ready: Record<string, unknown>,
  close: () => Promise<void>,
  handlers: Record<string, (message: Record<string, unknown>) => Promise<Record<string, unknown>>> = {},
): void {
  const send = (m: Record<string, unknown>) => process.send?.(m)
  let session: Session | undefined
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => session!.post(method, (err, result) => (err ? reject(err) : resolve(result as T))))
  process.on('message', async (m: { type?: string; file?: string }) => {
    if (m?.type === 'profile-start') {
      session = new Session()
      session.connect()
      await post('Profiler.enable')
      await post('Profiler.start')
      send({ type: m.type })
    } else if (m?.type === 'profile-stop' && session !== undefined) {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop')
      session.disconnect()
      session = undefined
      writeFileSync(m.file!, JSON.stringify(profile))
      send({ type: m.type })
    } else if (m?.type === 'stats') {
      const { user, system } = process.cpuUsage()
      send({ type: 'stats', rss: process.memoryUsage.rss(), cpu: user + system })
    } else if (m?.type === 'stop') {
      await close().catch((err) => console.error('close failed', err))
      // process.exit() still writes the --cpu-prof profile.
      process.exit(0)
    } else if (m?.type !== undefined && handlers[m.type] !== undefined) {
      send({ ...(await handlers[m.type]!(m as Record<string, unknown>)), type: m.type })
    }
  })
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', ...ready })
}

/** Runs a child's main, reporting a failure to the parent instead of hanging it. */
export async function childMain(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (err) {
    process.send?.({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    process.exitCode = 1
    setTimeout(() => process.exit(1), 100)
  }
}
