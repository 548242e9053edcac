/** @jsxImportSource hono/jsx */
/**
 * Resource applications (a vendor's resource authorization server): the list with the MCP resources each governs,
 * their scopes and the `client_id` each AI client has there, and registering one. One application's page is in
 * `application.tsx`.
 */

import { Badge, Csrf, Empty, Field, PageHead } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { applicationPageRoutes } from './application.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, render } from './respond.js'

/** The application pages. */
export function applicationRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base } = deps

  app.get(`${base}/applications`, async (c) => {
    const ctx = c.var.admin
    const apps = await Promise.all(
      (await ctx.store.idp.applications.list()).map((a) => operations.getApplication(ctx, a.id)),
    )
    return render(c, deps, {
      title: 'Resource applications',
      active: 'applications',
      body: (
        <>
          <PageHead
            title="Resource applications"
            lede="SaaS vendors' resource authorization servers, the MCP servers they govern, and each client's id there."
          />
          <section class="card">
            {apps.length === 0 ? (
              <Empty>No resource applications.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Resource applications</caption>
                  <thead>
                    <tr>
                      <th scope="col">Application</th>
                      <th scope="col">Resources and scopes</th>
                      <th scope="col">Client ids there</th>
                      <th scope="col">Email in ID-JAG</th>
                    </tr>
                  </thead>
                  <tbody>
                    {apps.map((a) => (
                      <tr>
                        <td>
                          <a href={`${base}/applications/${a.id}`}>{a.name}</a>
                          <span class="help">
                            <code>{a.issuer}</code>
                          </span>
                        </td>
                        <td>
                          {a.resources.map((r) => (
                            <div>
                              <code>{r.uri}</code>
                              <span class="help">{r.scopes.join(' ')}</span>
                            </div>
                          ))}
                        </td>
                        <td>
                          {a.clientIds.length === 0 ? (
                            <span class="muted">—</span>
                          ) : (
                            a.clientIds.map((m) => (
                              <div class="small">
                                <code>{m.clientId}</code> → <code>{m.rasClientId}</code>
                              </div>
                            ))
                          )}
                        </td>
                        <td>{a.includeEmail ? <Badge kind="warn">yes</Badge> : <Badge kind="off">no</Badge>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card form" aria-labelledby="new-app-title">
            <h2 id="new-app-title">Register a resource application</h2>
            <form method="post" action={`${base}/applications/new`}>
              <Csrf token={csrfOf(c, deps)} />
              <Field id="name" label="Name" required />
              <Field
                id="issuer"
                label="Its authorization server's issuer"
                type="url"
                required
                help="The aud of its ID-JAGs, e.g. https://as.chat.example"
              />
              <label class="check" for="includeEmail">
                <input id="includeEmail" type="checkbox" name="includeEmail" value="yes" />
                <span>Put the user's verified email in its ID-JAGs</span>
              </label>
              <button class="btn" type="submit">
                Register application
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/applications/new`, (c) =>
    act(c, deps, '/applications', async () => {
      const created = await operations.createApplication(c.var.admin, {
        name: field(c, 'name'),
        issuer: field(c, 'issuer'),
        includeEmail: c.var.form.get('includeEmail') === 'yes',
      })
      return {
        to: `/applications/${created.id}`,
        flash: { kind: 'ok', text: `Application ${created.name} registered. Add its resources next.` },
      }
    }),
  )

  applicationPageRoutes(app, deps)
}
