/** @jsxImportSource hono/jsx */
/**
 * The connection graph: AI clients on the left, resource applications on the right, one edge per managed connection
 * labelled with its resource, how many distinct users got an ID-JAG through it and when last. Inline SVG styled by
 * the console's style sheet (classes, no inline style); each edge is a link to its connection, so the graph is
 * keyboard-navigable, and {@link ConnectionTable} beside it says the same in text.
 */

import { relativeTime, StatusBadge, Time } from '@openxaa/console-ui'
import type { ConnectionUse } from '../admin/operations/insight.js'

const WIDTH = 960
const NODE_W = 250
const NODE_H = 46
const ROW = 66
const TOP = 44
const LABEL_W = 230
const LABEL_ROW = 46
const LEFT_X = 12
const RIGHT_X = WIDTH - 12 - NODE_W

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function shortUri(uri: string): string {
  try {
    const u = new URL(uri)
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`
  } catch {
    return uri
  }
}

/** What an edge says in words (its link's accessible name and the table's cells). */
export function edgeWords(use: ConnectionUse, now: number): string {
  const state = use.connection.enabled ? '' : ', disabled'
  const users = `${use.users} ${use.users === 1 ? 'user' : 'users'}`
  const last = use.lastIssuedAt === null ? 'never used' : `last ${relativeTime(use.lastIssuedAt, now)}`
  return `${use.client.name} to ${use.application.name} (${shortUri(use.connection.resource)})${state}: ${users}, ${last}`
}

/** The SVG graph. Labels sit in a middle column, one slot per connection, so they never overlap. */
export function ConnectionGraph({ uses, now, base }: { uses: ConnectionUse[]; now: number; base: string }) {
  const clients = [...new Map(uses.map((u) => [u.client.clientId, u.client])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  )
  const apps = [...new Map(uses.map((u) => [u.application.id, u.application])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  )
  const span = Math.max(clients.length * ROW, apps.length * ROW, uses.length * LABEL_ROW)
  const height = TOP + span + 8
  // Each column is centred in the same span.
  const yOf = (index: number, count: number, row: number) => TOP + (span - count * row) / 2 + index * row + row / 2
  const clientY = new Map(clients.map((c, i) => [c.clientId, yOf(i, clients.length, ROW)]))
  const appY = new Map(apps.map((a, i) => [a.id, yOf(i, apps.length, ROW)]))
  // Slots in the order of the edges' mean heights: fewest crossings.
  const ordered = [...uses].sort(
    (a, b) =>
      clientY.get(a.client.clientId)! +
      appY.get(a.application.id)! -
      (clientY.get(b.client.clientId)! + appY.get(b.application.id)!),
  )
  const labelX = (WIDTH - LABEL_W) / 2
  const edges = ordered.map((use, i) => {
    const x1 = LEFT_X + NODE_W
    const x2 = RIGHT_X
    const y1 = clientY.get(use.client.clientId) ?? 0
    const y2 = appY.get(use.application.id) ?? 0
    const ly = yOf(i, ordered.length, LABEL_ROW)
    const a = (x1 + labelX) / 2
    const b = (labelX + LABEL_W + x2) / 2
    const line1 = clip(shortUri(use.connection.resource), 32)
    const line2 = use.connection.enabled
      ? `${use.users} ${use.users === 1 ? 'user' : 'users'} · ${use.lastIssuedAt === null ? 'never used' : `last ${relativeTime(use.lastIssuedAt, now)}`}`
      : `disabled · ${use.users} ${use.users === 1 ? 'user' : 'users'}`
    const cls = `edge${use.connection.enabled ? '' : ' off'}${use.users === 0 ? ' unused' : ''}`
    return (
      <a class={cls} href={`${base}/connections/${use.connection.id}`} aria-label={edgeWords(use, now)}>
        <path d={`M${x1},${y1} C${a},${y1} ${a},${ly} ${labelX},${ly}`} />
        <path d={`M${labelX + LABEL_W},${ly} C${b},${ly} ${b},${y2} ${x2},${y2}`} />
        <rect class="label-bg" x={labelX} y={ly - 18} width={LABEL_W} height="36" rx="6" />
        <text x={labelX + 10} y={ly - 3}>
          {line1}
        </text>
        <text class="sub" x={labelX + 10} y={ly + 12}>
          {line2}
        </text>
      </a>
    )
  })
  const node = (kind: 'client' | 'app', x: number, y: number, title: string, sub: string) => (
    <g class={`node node-${kind}`}>
      <rect x={x} y={y - NODE_H / 2} width={NODE_W} height={NODE_H} rx="8" />
      <text x={x + 12} y={y - 3}>
        {clip(title, 32)}
      </text>
      <text class="sub" x={x + 12} y={y + 14}>
        {clip(sub, 38)}
      </text>
    </g>
  )
  return (
    <figure class="graph">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        aria-labelledby="graph-title graph-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="graph-title">Connection graph</title>
        <desc id="graph-desc">
          {`${clients.length} AI clients, ${apps.length} resource applications, ${uses.length} managed connections. Each connection is a link; the table below lists the same.`}
        </desc>
        <text class="col-title" x={LEFT_X} y="20">
          AI CLIENTS
        </text>
        <text class="col-title" x={RIGHT_X} y="20">
          RESOURCE APPLICATIONS
        </text>
        {edges}
        {clients.map((c) => node('client', LEFT_X, clientY.get(c.clientId) ?? 0, c.name, c.clientId))}
        {apps.map((a) => node('app', RIGHT_X, appY.get(a.id) ?? 0, a.name, shortUri(a.issuer)))}
      </svg>
      <figcaption class="legend">
        <span>
          <span class="swatch" aria-hidden="true" />
          enabled connection
        </span>
        <span>
          <span class="swatch off" aria-hidden="true" />
          disabled connection
        </span>
        <span>Labels: resource, distinct users who got an ID-JAG, last issuance (from the audit log).</span>
      </figcaption>
    </figure>
  )
}

/** The graph as a table: the same facts for screen readers, search and copying. */
export function ConnectionTable({ uses, now, base }: { uses: ConnectionUse[]; now: number; base: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Managed connections (the graph as a table)</caption>
        <thead>
          <tr>
            <th scope="col">AI client</th>
            <th scope="col">Application</th>
            <th scope="col">Resource</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Users
            </th>
            <th scope="col">Last ID-JAG</th>
          </tr>
        </thead>
        <tbody>
          {uses.map((u) => (
            <tr>
              <td>{u.client.name}</td>
              <td>{u.application.name}</td>
              <td>
                <a href={`${base}/connections/${u.connection.id}`}>
                  <code>{u.connection.resource}</code>
                </a>
              </td>
              <td>
                <StatusBadge enabled={u.connection.enabled} />
              </td>
              <td class="num">{u.users}</td>
              <td>
                <Time ms={u.lastIssuedAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
