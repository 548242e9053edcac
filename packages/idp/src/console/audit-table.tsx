/** @jsxImportSource hono/jsx */
/**
 * Audit events as a table, with ids turned into names (users, clients, applications) and every refusal with its
 * reason code, spec rule and private detail. Used by the audit log, the overview's refusals and "My AI connections".
 */

import { DecisionBadge, Empty, Time } from '@openxaa/console-ui'
import type { AuditEvent, Store } from '@openxaa/store'

import { REFUSAL_WORDS } from './format.js'

/** Id → display name lookups. */
export interface Names {
  users: Map<string, string>
  clients: Map<string, string>
  /** By issuer (events name an application by its issuer). */
  applications: Map<string, string>
}

/** Loads the lookups. */
export async function loadNames(store: Store): Promise<Names> {
  const [users, clients, applications] = await Promise.all([
    store.idp.users.list({ limit: 10_000 }),
    store.idp.clients.list(),
    store.idp.applications.list(),
  ])
  return {
    users: new Map(users.map((u) => [u.id, u.username])),
    clients: new Map(clients.map((c) => [c.clientId, c.name])),
    applications: new Map(applications.map((a) => [a.issuer, a.name])),
  }
}

function actorText(event: AuditEvent, names: Names): string {
  const { type, id } = event.actor
  if (type === 'user') return `user ${names.users.get(id) ?? id}`
  if (type === 'client') return `client ${id}`
  return `${type} ${id}`
}

/** The reason cell: code, words, rule, detail. */
export function Reason({ event }: { event: AuditEvent }) {
  if (event.reason === undefined) return <span class="muted">—</span>
  const words = REFUSAL_WORDS[event.reason]
  return (
    <span>
      <code>{event.reason}</code>
      {words && <span class="help">{words}</span>}
      {event.rule && <span class="help">rule {event.rule}</span>}
      {event.detail && <span class="help">{event.detail}</span>}
    </span>
  )
}

/** The table. `columns` trims it for narrow places. */
export function AuditTable(props: {
  events: AuditEvent[]
  names: Names
  now: number
  caption: string
  compact?: boolean
  empty?: string
}) {
  const { events, names, now } = props
  if (events.length === 0) return <Empty>{props.empty ?? 'No events.'}</Empty>
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Decision</th>
            {!props.compact && <th scope="col">Action</th>}
            {!props.compact && <th scope="col">Actor</th>}
            <th scope="col">User</th>
            <th scope="col">Client</th>
            <th scope="col">Application / resource</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>
                <Time ms={e.at} now={now} relative={!!props.compact} />
              </td>
              <td>
                <DecisionBadge decision={e.decision} />
              </td>
              {!props.compact && (
                <td>
                  <code>{e.action}</code>
                </td>
              )}
              {!props.compact && <td class="small">{actorText(e, names)}</td>}
              <td>{e.userId === undefined ? '—' : (names.users.get(e.userId) ?? e.userId)}</td>
              <td>{e.clientId === undefined ? '—' : (names.clients.get(e.clientId) ?? e.clientId)}</td>
              <td>
                {e.audience === undefined ? '—' : (names.applications.get(e.audience) ?? e.audience)}
                {e.resource && (
                  <span class="help">
                    <code>{e.resource}</code>
                  </span>
                )}
              </td>
              <td>
                <Reason event={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
