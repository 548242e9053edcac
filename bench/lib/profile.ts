/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) of a server process: the functions with the most self time, and
 * self time by package, as shares of the busy (non-idle) time.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** One row of a summary. */
export interface ProfileRow {
  name: string
  /** Share of busy time, percent. */
  share: number
  ms: number
}

/** Top functions and packages by self time. */
export interface ProfileSummary {
  busyMs: number
  idleMs: number
  functions: ProfileRow[]
  packages: ProfileRow[]
}

function where(url: string): string {
  if (url === '') return 'native/V8'
  if (url.startsWith('node:')) return url
  const nm = url.lastIndexOf('/node_modules/')
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  const pkg = /\/packages\/([^/]+)\//.exec(url)
  if (pkg) return `@openxaa/${pkg[1]}`
  return url.replace(/^file:\/\/.*\/bench\//, 'bench/')
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/')
  if (nm !== -1) return url.slice(nm + '/node_modules/'.length)
  const i = url.indexOf('/packages/')
  return i !== -1 ? url.slice(i + 1) : url.replace(/^file:\/\//, '')
}

/** Summarises every `.cpuprofile` in `dir` together. */
export function summarizeProfiles(dir: string, top = 15): ProfileSummary {
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let busy = 0
  let idle = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
    const parents = new Map<number, ProfileNode>()
    for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n)
    // A native function (a better-sqlite3 call, a crypto job) says little alone: name the JS function calling it.
    const caller = (id: number): string => {
      for (let p = parents.get(id); p !== undefined; p = parents.get(p.id)) {
        if (p.callFrame.url !== '')
          return ` ← ${p.callFrame.functionName || '(anonymous)'} ${shortUrl(p.callFrame.url)}`
      }
      return ''
    }
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id)
      const micros = profile.timeDeltas[i] ?? 0
      if (!node) return
      const { functionName, url, lineNumber } = node.callFrame
      if (functionName === '(idle)') {
        idle += micros
        return
      }
      busy += micros
      const name =
        url === ''
          ? `${functionName}${functionName.startsWith('(') ? '' : caller(id)}`
          : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
      const pkg = url === '' ? (functionName.startsWith('(') ? functionName : 'native/V8') : where(url)
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros)
    })
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({
        name,
        share: Math.round((micros / Math.max(1, busy)) * 1000) / 10,
        ms: Math.round(micros / 1000),
      }))
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    functions: rows(byFunction),
    packages: rows(byPackage),
  }
}
