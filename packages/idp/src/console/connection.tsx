/** @jsxImportSource hono/jsx */
/**
 * One managed connection's page: the consent record, its use from the audit log, and editing its groups and scopes.
 * An edit that widens the groups or the scopes goes through the consent step again; narrowing does not.
 */

import { Badge, Checkboxes, Csrf, Field, PageHead, PostButton, StatusBadge, Time } from '@openxaa/console-ui'
import type { IdpConnectionPatch } from '@openxaa/store'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError, found } from '../admin/errors.js'

import { draftFields, readDraft } from './connection-new.js'
import { consentGiven, consentPage } from './consent.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, render } from './respond.js'

/** GET and POST /console/connections/:id. */
export function connectionPageRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  app.get(`${base}/connections/:id`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const use = (await operations.connectionUses(ctx)).find((u) => u.connection.id === c.req.param('id'))
    if (use === undefined) throw new AdminError('not_found', 'connection not found')
    const k = use.connection
    const [groups, resources, consenter] = await Promise.all([
      ctx.store.idp.groups.list(),
      ctx.store.idp.applications.resources(use.application.id),
      ctx.store.idp.users.get(k.consentGrantedBy),
    ])
    const offered = resources.find((r) => r.uri === k.resource)?.scopes ?? k.scopes
    const csrf = csrfOf(c, deps)
    const action = `${base}/connections/${k.id}`
    return render(c, deps, {
      title: `${use.client.name} → ${use.application.name}`,
      active: 'connections',
      body: (
        <>
          <PageHead title={`${use.client.name} → ${use.application.name}`}>
            <PostButton
              action={`${action}/${k.enabled ? 'disable' : 'enable'}`}
              csrf={csrf}
              label={k.enabled ? 'Disable connection' : 'Enable connection'}
              kind={k.enabled ? 'danger' : 'primary'}
            />
            <a class="btn btn-secondary" href={`${action}/delete`}>
              Delete…
            </a>
          </PageHead>
          <div class="grid2">
            <section class="card" aria-labelledby="facts-title">
              <h2 id="facts-title">Connection</h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge enabled={k.enabled} />
                </dd>
                <dt>AI client</dt>
                <dd>
                  {use.client.name} <code>{use.client.clientId}</code>{' '}
                  {!use.client.enabled && <Badge kind="off">client disabled</Badge>}
                </dd>
                <dt>Application</dt>
                <dd>
                  <a href={`${base}/applications/${use.application.id}`}>{use.application.name}</a>{' '}
                  <code>{use.application.issuer}</code>
                </dd>
                <dt>Resource</dt>
                <dd>
                  <code>{k.resource}</code>
                </dd>
                <dt>Consent</dt>
                <dd>
                  granted on behalf of the organization by{' '}
                  <strong>{consenter ? consenter.username : k.consentGrantedBy}</strong>,{' '}
                  <Time ms={k.consentGrantedAt} now={now} relative={false} />
                </dd>
              </dl>
            </section>
            <section class="card" aria-labelledby="use-title">
              <h2 id="use-title">Use (from the audit log)</h2>
              <dl class="facts">
                <dt>Distinct users</dt>
                <dd>{use.users}</dd>
                <dt>ID-JAGs issued</dt>
                <dd>{use.issued}</dd>
                <dt>Last issued</dt>
                <dd>
                  <Time ms={use.lastIssuedAt} now={now} />
                </dd>
              </dl>
              <p>
                <a
                  href={`${base}/audit?client=${encodeURIComponent(k.clientId)}&application=${encodeURIComponent(use.application.id)}&action=id_jag.issue`}
                >
                  Its issuances and refusals in the audit log
                </a>
              </p>
            </section>
          </div>
          <section class="card form" aria-labelledby="edit-title">
            <h2 id="edit-title">Groups and scopes</h2>
            <form method="post" action={action}>
              <Csrf token={csrf} />
              <Checkboxes
                legend="Groups whose members may use it"
                name="groups"
                options={groups.map((g) => ({ value: g.id, label: g.name }))}
                checked={k.groups}
              />
              <Checkboxes
                legend="Scopes it allows (at most)"
                name="scopes"
                options={offered.map((s) => ({ value: s, label: s }))}
                checked={k.scopes}
              />
              <Field
                id="maxAuthAge"
                label="Maximum sign-in age in seconds (empty: any)"
                type="number"
                min="1"
                value={k.maxAuthAge === null ? '' : String(k.maxAuthAge)}
              />
              <button class="btn" type="submit">
                Save changes
              </button>
              <span class="help">Adding groups or scopes asks for consent again.</span>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/connections/:id`, (c) =>
    act(c, deps, `/connections/${c.req.param('id')}`, async () => {
      const ctx = c.var.admin
      const current = found(await ctx.store.idp.connections.get(c.req.param('id')), 'connection')
      c.var.form.set('clientId', current.clientId)
      c.var.form.set('applicationId', current.applicationId)
      c.var.form.set('resource', current.resource)
      const { draft, subject } = await readDraft(ctx.store, c)
      const widens =
        draft.groups.some((g) => !current.groups.includes(g)) || draft.scopes.some((s) => !current.scopes.includes(s))
      const patch: IdpConnectionPatch = { groups: draft.groups, scopes: draft.scopes, maxAuthAge: draft.maxAuthAge }
      if (widens && !consentGiven(c.var.form)) {
        return consentPage(c, deps, {
          subject: { ...subject, before: { groups: current.groups, scopes: current.scopes } },
          action: `${base}/connections/${current.id}`,
          cancel: `${base}/connections/${current.id}`,
          hidden: draftFields({ groups: draft.groups, scopes: draft.scopes, maxAuthAge: draft.maxAuthAge }),
        })
      }
      if (widens) Object.assign(patch, { consentGrantedBy: c.var.user.id, consentGrantedAt: ctx.now() })
      await operations.updateConnection(ctx, current.id, patch)
      return {
        flash: {
          kind: 'ok',
          text: 'Connection saved.',
          details: widens ? [`Consent recorded: granted by ${c.var.user.username} on behalf of the organization.`] : [],
        },
      }
    }),
  )
}
