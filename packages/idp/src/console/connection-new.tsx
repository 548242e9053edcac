/** @jsxImportSource hono/jsx */
/**
 * Creating a managed connection, in three steps that work without script: (1) the AI client and the resource,
 * (2) the groups and the scopes that resource offers, (3) consent on behalf of the organization, after which
 * `operations.createConnection` records it with the administrator as `consentGrantedBy`.
 */

import { Checkboxes, Csrf, Empty, Field, Select } from '@openxaa/console-ui'
import { GRANT_TYPE_TOKEN_EXCHANGE } from '@openxaa/protocol'
import type { IdpResource, Store } from '@openxaa/store'
import type { Context, Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError } from '../admin/errors.js'

import { type ConsentSubject, consentGiven, consentPage } from './consent.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, fields, render } from './respond.js'

/** What the steps collect. */
interface Draft {
  clientId: string
  applicationId: string
  resource: string
  groups: string[]
  scopes: string[]
  maxAuthAge: number | null
}

/** `applicationId resource` in one select value: a space never occurs in either. */
const targetValue = (applicationId: string, uri: string) => `${applicationId} ${uri}`

async function targets(store: Store) {
  const apps = await store.idp.applications.list()
  const out: { app: (typeof apps)[number]; resource: IdpResource }[] = []
  for (const app of apps)
    for (const resource of await store.idp.applications.resources(app.id)) out.push({ app, resource })
  return out
}

function parseAge(value: string): number | null {
  if (value === '') return null
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new AdminError('invalid_request', 'the sign-in age must be a whole number of seconds')
  return n
}

/** Reads and checks a draft against the directory; the operation checks again when it runs. */
export async function readDraft(store: Store, c: Context<ConsoleEnv>) {
  const draft: Draft = {
    clientId: field(c, 'clientId'),
    applicationId: field(c, 'applicationId'),
    resource: field(c, 'resource'),
    groups: fields(c, 'groups'),
    scopes: fields(c, 'scopes'),
    maxAuthAge: parseAge(field(c, 'maxAuthAge')),
  }
  const client = await store.idp.clients.get(draft.clientId)
  const app = await store.idp.applications.get(draft.applicationId)
  if (!client || !app) throw new AdminError('not_found', 'the client or the application no longer exists')
  if (draft.groups.length === 0) throw new AdminError('invalid_request', 'choose at least one group')
  const all = await store.idp.groups.list()
  const groups = draft.groups.map((id) => all.find((g) => g.id === id))
  if (groups.some((g) => g === undefined)) throw new AdminError('not_found', 'a chosen group no longer exists')
  const resource = (await store.idp.applications.resources(app.id)).find((r) => r.uri === draft.resource)
  if (!resource) throw new AdminError('invalid_request', 'the resource is not governed by the application')
  const unknown = draft.scopes.filter((s) => !resource.scopes.includes(s))
  if (unknown.length > 0)
    throw new AdminError('invalid_request', `scopes not offered by the resource: ${unknown.join(' ')}`)
  const subject: ConsentSubject = {
    clientName: client.name,
    clientId: client.clientId,
    applicationName: app.name,
    resource: resource.uri,
    groups: groups.map((g) => ({ id: g!.id, name: g!.name })),
    scopes: draft.scopes,
    maxAuthAge: draft.maxAuthAge,
  }
  return { draft, subject }
}

/** The draft as hidden fields of the consent form. */
export function draftFields(
  d: Omit<Draft, 'clientId' | 'applicationId' | 'resource'> & Partial<Draft>,
): [string, string][] {
  return [
    ...(d.clientId ? [['clientId', d.clientId] as [string, string]] : []),
    ...(d.applicationId ? [['applicationId', d.applicationId] as [string, string]] : []),
    ...(d.resource ? [['resource', d.resource] as [string, string]] : []),
    ...d.groups.map((g) => ['groups', g] as [string, string]),
    ...d.scopes.map((s) => ['scopes', s] as [string, string]),
    ['maxAuthAge', d.maxAuthAge === null ? '' : String(d.maxAuthAge)],
  ]
}

/** GET/POST /console/connections/new and POST /console/connections/consent. */
export function newConnectionRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base } = deps
  app.get(`${base}/connections/new`, async (c) => {
    const { store } = c.var.admin
    const clients = (await store.idp.clients.list()).filter((x) => x.grantTypes.includes(GRANT_TYPE_TOKEN_EXCHANGE))
    const all = await targets(store)
    const clientId = c.req.query('clientId') ?? ''
    const chosen = all.find((t) => targetValue(t.app.id, t.resource.uri) === (c.req.query('target') ?? ''))
    const step2 = chosen !== undefined && clients.some((x) => x.clientId === clientId)
    const groups = await store.idp.groups.list()
    return render(c, deps, {
      title: 'New managed connection',
      active: 'connections',
      body: (
        <>
          <ol class="stepper" aria-label="Steps">
            <li aria-current={step2 ? undefined : 'step'}>1. Client and resource</li>
            <li aria-current={step2 ? 'step' : undefined}>2. Groups and scopes</li>
            <li>3. Consent</li>
          </ol>
          <h1>New managed connection</h1>
          <p class="lede">
            A managed connection lets an AI client get ID-JAGs for one resource, for members of chosen groups, with at
            most the chosen scopes. Nothing is allowed until you consent in step 3.
          </p>
          <section class="card form">
            {!step2 ? (
              clients.length === 0 || all.length === 0 ? (
                <Empty>
                  First register an <a href={`${base}/clients/new`}>AI client</a> and a{' '}
                  <a href={`${base}/applications`}>resource application</a> with a resource.
                </Empty>
              ) : (
                <form method="get" action={`${base}/connections/new`}>
                  <Select
                    id="clientId"
                    label="AI client"
                    options={clients.map((x) => ({ value: x.clientId, label: `${x.name} (${x.clientId})` }))}
                    value={clientId}
                    required
                    help="Only clients enabled for cross-app access (token exchange) are listed."
                  />
                  <Select
                    id="target"
                    label="Resource"
                    options={all.map((t) => ({
                      value: targetValue(t.app.id, t.resource.uri),
                      label: `${t.app.name}: ${t.resource.name ?? t.resource.uri}`,
                    }))}
                    required
                    help="An MCP server governed by a resource application."
                  />
                  <button class="btn" type="submit">
                    Next: groups and scopes
                  </button>
                </form>
              )
            ) : (
              <form method="post" action={`${base}/connections/new`}>
                <Csrf token={csrfOf(c, deps)} />
                <input type="hidden" name="clientId" value={clientId} />
                <input type="hidden" name="applicationId" value={chosen.app.id} />
                <input type="hidden" name="resource" value={chosen.resource.uri} />
                <p>
                  <strong>{clients.find((x) => x.clientId === clientId)?.name}</strong> → {chosen.app.name},{' '}
                  <code>{chosen.resource.uri}</code> <a href={`${base}/connections/new`}>Change</a>
                </p>
                <Checkboxes
                  legend="Groups whose members may use it"
                  name="groups"
                  options={groups.map((g) => ({
                    value: g.id,
                    label: g.name,
                    ...(g.description ? { hint: g.description } : {}),
                  }))}
                  checked={[]}
                />
                <Checkboxes
                  legend="Scopes it allows (at most)"
                  name="scopes"
                  options={chosen.resource.scopes.map((s) => ({ value: s, label: s }))}
                  checked={[]}
                  help="A client asking for more is narrowed to these; asking for none of them is refused."
                />
                <Field
                  id="maxAuthAge"
                  label="Maximum sign-in age in seconds (optional)"
                  type="number"
                  min="1"
                  help="Refuse (insufficient_user_authentication) when the user signed in longer ago than this."
                />
                <button class="btn" type="submit">
                  Next: review and consent
                </button>
              </form>
            )}
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/connections/new`, (c) =>
    act(c, deps, '/connections/new', async () => {
      const { draft, subject } = await readDraft(c.var.admin.store, c)
      const existing = await c.var.admin.store.idp.connections.find(draft.clientId, draft.applicationId, draft.resource)
      if (existing)
        throw new AdminError('conflict', 'a connection for this client and resource already exists: edit it')
      return consentPage(c, deps, {
        subject,
        action: `${base}/connections/consent`,
        cancel: `${base}/connections`,
        hidden: draftFields(draft),
        step: true,
      })
    }),
  )

  app.post(`${base}/connections/consent`, (c) =>
    act(c, deps, '/connections/new', async () => {
      const { draft, subject } = await readDraft(c.var.admin.store, c)
      if (!consentGiven(c.var.form))
        throw new AdminError('invalid_request', 'consent was not confirmed: nothing was created')
      const ctx = c.var.admin
      const created = await operations.createConnection(ctx, { ...draft, consentGrantedBy: c.var.user.id })
      return {
        to: `/connections/${created.id}`,
        flash: {
          kind: 'ok',
          text: `Connection created: ${subject.clientName} → ${subject.applicationName}.`,
          details: [
            `Consent granted on behalf of the organization by ${c.var.user.username} at ${new Date(created.consentGrantedAt).toISOString()}.`,
            `Members of ${subject.groups.map((g) => g.name).join(', ')} can now get ID-JAGs for ${created.resource}.`,
          ],
        },
      }
    }),
  )
}
