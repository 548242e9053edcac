/** @jsxImportSource hono/jsx */
/** Resources (the MCP servers this AS issues tokens for) and the scopes each offers: list, add, change scopes. */

import { Csrf, Field, PageHead } from '@openxaa/console-ui'
import type { Hono } from 'hono'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, render } from './respond.js'

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean)

/** The resource pages. */
export function resourceRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, service } = deps
  const actor = (c: { var: { adminKeyId: string } }) => ({ type: 'admin' as const, id: c.var.adminKeyId })

  app.get(`${base}/resources`, async (c) => {
    const resources = await service.listResources()
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'Resources',
      active: 'resources',
      body: (
        <>
          <PageHead
            title="Resources and scopes"
            lede="Access tokens name one of these as their audience, with at most its scopes."
          />
          <section class="card">
            {resources.length === 0 ? (
              <p class="empty">No resources.</p>
            ) : (
              <table>
                <caption class="visually-hidden">Resources</caption>
                <thead>
                  <tr>
                    <th scope="col">Resource</th>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                  </tr>
                </thead>
                <tbody>
                  {resources.map((r, i) => (
                    <tr>
                      <td>
                        <code>{r.uri}</code>
                      </td>
                      <td>{r.name}</td>
                      <td>
                        <form method="post" action={`${base}/resources/scopes`} class="row">
                          <Csrf token={csrf} />
                          <input type="hidden" name="uri" value={r.uri} />
                          <div class="field">
                            <label for={`scopes-${i}`} class="visually-hidden">
                              Scopes of {r.uri}
                            </label>
                            <input id={`scopes-${i}`} name="scopes" type="text" value={r.scopes.join(' ')} />
                          </div>
                          <button
                            class="btn btn-secondary btn-small"
                            type="submit"
                            aria-label={`Save the scopes of ${r.uri}`}
                          >
                            Save
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section class="card form" aria-labelledby="new-resource-title">
            <h2 id="new-resource-title">Add a resource</h2>
            <form method="post" action={`${base}/resources`}>
              <Csrf token={csrf} />
              <Field id="uri" label="Resource URI (the MCP server)" type="url" required />
              <Field id="name" label="Name" />
              <Field id="scopes" label="Scopes" required help="Separated by spaces, e.g. chat.read chat.history" />
              <button class="btn" type="submit">
                Add resource
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/resources`, (c) =>
    act(c, deps, '/resources', async () => {
      const name = field(c, 'name')
      const r = await service.createResource(actor(c), {
        uri: field(c, 'uri'),
        scopes: words(field(c, 'scopes')),
        ...(name === '' ? {} : { name }),
      })
      return { flash: { kind: 'ok', text: `Resource ${r.uri} added with scopes ${r.scopes.join(' ')}.` } }
    }),
  )

  app.post(`${base}/resources/scopes`, (c) =>
    act(c, deps, '/resources', async () => {
      const r = await service.updateResource(actor(c), field(c, 'uri'), { scopes: words(field(c, 'scopes')) })
      return {
        flash: { kind: 'ok', text: `Scopes of ${r.uri}: ${r.scopes.join(' ')}. New tokens carry at most these.` },
      }
    }),
  )
}
