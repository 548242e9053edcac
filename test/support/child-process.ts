/**
 * Server processes under test (the `serve` commands of the IdP and the AS): a free port, a start that waits for the
 * "listening" line, and the exit of a child that may already be gone. A child killed by a signal keeps `exitCode`
 * null and sets `signalCode`: both say it is gone, and its 'exit' event may have fired before anyone waits for it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
}

/** True while the child has neither exited nor been killed. */
export function running(p: ChildProcess | undefined): boolean {
  return p !== undefined && p.exitCode === null && p.signalCode === null
}

/** The child's exit code once it is gone (null when a signal ended it). */
export function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (running(p) ? p.once('exit', (code) => resolve(code)) : resolve(p.exitCode)))
}

/** Spawns `node <args>` and resolves once it prints "listening"; rejects with its output if it exits first. */
export function startListening(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    p.stdout!.on('data', (d: Buffer) => {
      out += d
      if (out.includes('listening')) resolve(p)
    })
    p.stderr!.on('data', (d: Buffer) => {
      out += d
    })
    p.once('exit', (code, signal) => reject(new Error(`exited ${code ?? signal}: ${out}`)))
    // A cold start compiles the sources (tsx); on a busy machine that takes a while, but never this long.
    setTimeout(() => reject(new Error(`no "listening" within 60 s: ${out}`)), 60_000).unref()
  })
}

/** How a new connection to the port ends: 'connected', or the error code ('ECONNREFUSED' once a server has closed). */
export function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
  })
}
