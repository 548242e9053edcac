/** @jsxImportSource hono/jsx */
/**
 * One resource application's page: its resources and their scopes, the client id each AI client has there, whether
 * its ID-JAGs carry the email, a block until a date, deletion.
 */

import { Csrf, Empty, Field, PageHead, PostButton, Select } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { BlockForm } from './components.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { dateInput } from './format.js'
import { act, csrfOf, field, render } from './respond.js'

function words(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '')
}

/** GET /console/applications/:id and its actions. */
export function applicationPageRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  app.get(`${base}/applications/:id`, async (c) => {
    const ctx = c.var.admin
    const a = await operations.getApplication(ctx, c.req.param('id'))
    const clients = await ctx.store.idp.clients.list()
    const csrf = csrfOf(c, deps)
    const path = `${base}/applications/${a.id}`
    return render(c, deps, {
      title: a.name,
      active: 'applications',
      body: (
        <>
          <PageHead
            title={a.name}
            lede={`Issuer ${a.issuer}${a.aliases.length ? `; also known as ${a.aliases.join(', ')}` : ''}.`}
          >
            <PostButton
              action={`${path}/email`}
              csrf={csrf}
              label={a.includeEmail ? 'Stop sending email' : 'Send verified email'}
              kind="secondary"
              fields={{ includeEmail: a.includeEmail ? 'no' : 'yes' }}
            />
          </PageHead>
          <section class="card" aria-labelledby="res-title">
            <h2 id="res-title">Resources and scopes</h2>
            {a.resources.length === 0 ? (
              <Empty>No resources yet: no connection can be made to it.</Empty>
            ) : (
              <table>
                <caption class="visually-hidden">Resources</caption>
                <thead>
                  <tr>
                    <th scope="col">Resource</th>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes offered</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {a.resources.map((r) => (
                    <tr>
                      <td>
                        <code>{r.uri}</code>
                      </td>
                      <td>{r.name ?? '—'}</td>
                      <td>
                        {r.scopes.map((s) => (
                          <span class="tag">{s}</span>
                        ))}
                      </td>
                      <td>
                        <PostButton
                          action={`${path}/resources/remove`}
                          csrf={csrf}
                          label="Remove"
                          kind="secondary"
                          small
                          fields={{ uri: r.uri }}
                          confirm="Remove this resource and stop issuance for it?"
                          ariaLabel={`Remove resource ${r.uri}`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>Add or replace a resource</h3>
            <form method="post" action={`${path}/resources`} class="form">
              <Csrf token={csrf} />
              <Field id="uri" label="Resource URI (the MCP server)" type="url" required />
              <Field id="resourceName" label="Name (optional)" />
              <Field
                id="scopes"
                label="Scopes it offers"
                required
                help="Separated by spaces, e.g. chat.read chat.write"
              />
              <button class="btn" type="submit">
                Save resource
              </button>
            </form>
          </section>
          <section class="card" aria-labelledby="ids-title">
            <h2 id="ids-title">Client ids at this application</h2>
            <p class="muted">
              The client_id each AI client is registered with at this application's authorization server; without one,
              the IdP client id is used.
            </p>
            {a.clientIds.length > 0 && (
              <table>
                <caption class="visually-hidden">Client id mappings</caption>
                <thead>
                  <tr>
                    <th scope="col">AI client</th>
                    <th scope="col">client_id there</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {a.clientIds.map((m) => (
                    <tr>
                      <td>
                        <code>{m.clientId}</code>
                      </td>
                      <td>
                        <code>{m.rasClientId}</code>
                      </td>
                      <td>
                        <PostButton
                          action={`${path}/client-ids/remove`}
                          csrf={csrf}
                          label="Remove"
                          kind="secondary"
                          small
                          fields={{ clientId: m.clientId }}
                          ariaLabel={`Remove the client id of ${m.clientId}`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <form method="post" action={`${path}/client-ids`} class="row">
              <Csrf token={csrf} />
              <Select
                id="clientId"
                label="AI client"
                options={clients.map((x) => ({ value: x.clientId, label: x.name }))}
                required
              />
              <Field id="rasClientId" label="Its client_id there" required />
              <button class="btn" type="submit">
                Set client id
              </button>
            </form>
          </section>
          <section class="card" aria-labelledby="block-title">
            <h2 id="block-title">Block until a date</h2>
            <BlockForm
              action={`${base}/blocks`}
              csrf={csrf}
              kind="application"
              target={a.id}
              what="this application"
              today={dateInput(runtime.now())}
              back={`/applications/${a.id}`}
            />
          </section>
          <section class="card" aria-labelledby="del-title">
            <h2 id="del-title">Delete</h2>
            <PostButton
              action={`${path}/delete`}
              csrf={csrf}
              label="Delete application"
              kind="danger"
              confirm={`Delete ${a.name} with its resources and connections?`}
            />
          </section>
        </>
      ),
    })
  })

  const back = (c: { req: { param(name: string): string } }) => `/applications/${c.req.param('id')}`
  app.post(`${base}/applications/:id/resources`, (c) =>
    act(c, deps, back(c), async () => {
      const r = await operations.putResource(c.var.admin, c.req.param('id'), {
        uri: field(c, 'uri'),
        name: field(c, 'resourceName') || null,
        scopes: words(field(c, 'scopes')),
      })
      return { flash: { kind: 'ok', text: `Resource ${r.uri} saved with scopes ${r.scopes.join(' ')}.` } }
    }),
  )
  app.post(`${base}/applications/:id/resources/remove`, (c) =>
    act(c, deps, back(c), async () => {
      await operations.removeResource(c.var.admin, c.req.param('id'), field(c, 'uri'))
      return { flash: { kind: 'ok', text: 'Resource removed.' } }
    }),
  )
  app.post(`${base}/applications/:id/client-ids`, (c) =>
    act(c, deps, back(c), async () => {
      await operations.setClientId(c.var.admin, c.req.param('id'), field(c, 'clientId'), field(c, 'rasClientId'))
      return { flash: { kind: 'ok', text: 'Client id saved: the next ID-JAGs carry it.' } }
    }),
  )
  app.post(`${base}/applications/:id/client-ids/remove`, (c) =>
    act(c, deps, back(c), async () => {
      await operations.removeClientId(c.var.admin, c.req.param('id'), field(c, 'clientId'))
      return { flash: { kind: 'ok', text: 'Client id mapping removed.' } }
    }),
  )
  app.post(`${base}/applications/:id/email`, (c) =>
    act(c, deps, back(c), async () => {
      const a = await operations.updateApplication(c.var.admin, c.req.param('id'), {
        includeEmail: field(c, 'includeEmail') === 'yes',
      })
      return {
        flash: {
          kind: 'ok',
          text: a.includeEmail ? 'ID-JAGs now carry the verified email.' : 'ID-JAGs no longer carry the email.',
        },
      }
    }),
  )
  app.post(`${base}/applications/:id/delete`, (c) =>
    act(c, deps, back(c), async () => {
      await operations.deleteApplication(c.var.admin, c.req.param('id'))
      return {
        to: '/applications',
        flash: { kind: 'ok', text: 'Application deleted with its resources and connections.' },
      }
    }),
  )
}
