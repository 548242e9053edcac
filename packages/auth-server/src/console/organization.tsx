/** @jsxImportSource hono/jsx */
/**
 * One organization and its issuer trusts: add a trust (issuer, tenant pin, where the keys are, which clients may
 * present its ID-JAGs, how users are linked), verify the issuer's metadata and keys, enable, disable. A trust starts
 * disabled; an ID-JAG from a disabled trust is refused (`ERR_ID_JAG_TRUST_DISABLED`).
 */

import { Badge, Csrf, Field, PageHead, PostButton, Select, StatusBadge, Time } from '@openxaa/console-ui'
import { LINKING_MODES, type LinkingMode } from '@openxaa/store'
import type { Hono } from 'hono'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, fields, render } from './respond.js'

const LINKING_WORDS: Record<LinkingMode, string> = {
  subject: 'by subject only (accounts linked by an administrator)',
  email: 'also by verified email in the listed domains',
  jit: 'by email, else a new account on first sight',
}

/** GET /console/organizations/:id and the trust actions. */
export function organizationPageRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, service } = deps
  const actor = (c: { var: { adminKeyId: string } }) => ({ type: 'admin' as const, id: c.var.adminKeyId })

  app.get(`${base}/organizations/:id`, async (c) => {
    const org = await service.getOrganization(c.req.param('id'))
    const clients = await service.listClients()
    const csrf = csrfOf(c, deps)
    const path = `${base}/organizations/${encodeURIComponent(org.id)}`
    return render(c, deps, {
      title: org.name,
      active: 'organizations',
      body: (
        <>
          <PageHead
            title={org.name}
            lede={`Organization ${org.id}: the identity providers it trusts to vouch for its people.`}
          />
          <section class="card" aria-labelledby="trusts-title">
            <h2 id="trusts-title">Issuer trusts</h2>
            {org.trusts.length === 0 ? (
              <p class="empty">No issuer trusted yet: no ID-JAG for this organization is accepted.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Issuer trusts</caption>
                  <thead>
                    <tr>
                      <th scope="col">Issuer</th>
                      <th scope="col">Tenant</th>
                      <th scope="col">Keys</th>
                      <th scope="col">Clients</th>
                      <th scope="col">Linking</th>
                      <th scope="col">Metadata verified</th>
                      <th scope="col">Status</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {org.trusts.map((t) => (
                      <tr>
                        <td>
                          <code>{t.issuer}</code>
                          <span class="help">{t.id}</span>
                        </td>
                        <td>{t.tenant ?? <span class="muted">any</span>}</td>
                        <td class="small">
                          {t.jwks ? (
                            'inline JWK Set'
                          ) : t.jwksUri ? (
                            <code>{t.jwksUri}</code>
                          ) : (
                            'from the issuer metadata'
                          )}
                        </td>
                        <td class="small">
                          {t.allowedClientIds === null ? 'any registered client' : t.allowedClientIds.join(', ')}
                        </td>
                        <td class="small">
                          {t.linkingMode}
                          {t.emailDomains.length > 0 && <span class="help">{t.emailDomains.join(', ')}</span>}
                        </td>
                        <td>
                          {t.metadataVerifiedAt === null ? (
                            <Badge kind="warn">not yet</Badge>
                          ) : (
                            <Time ms={t.metadataVerifiedAt} />
                          )}
                        </td>
                        <td>
                          <StatusBadge enabled={t.enabled} />
                        </td>
                        <td>
                          <div class="actions">
                            <PostButton
                              small
                              action={`${base}/trusts/${t.id}/verify`}
                              csrf={csrf}
                              label="Verify metadata"
                              kind="secondary"
                              ariaLabel={`Verify the metadata of ${t.issuer}`}
                            />
                            <PostButton
                              small
                              action={`${base}/trusts/${t.id}/${t.enabled ? 'disable' : 'enable'}`}
                              csrf={csrf}
                              label={t.enabled ? 'Disable' : 'Enable'}
                              kind={t.enabled ? 'danger' : 'primary'}
                              ariaLabel={`${t.enabled ? 'Disable' : 'Enable'} the trust in ${t.issuer}`}
                            />
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card form" aria-labelledby="add-trust-title">
            <h2 id="add-trust-title">Trust an issuer</h2>
            <form method="post" action={`${path}/trusts`}>
              <Csrf token={csrf} />
              <Field
                id="issuer"
                label="Issuer (the IdP's issuer identifier)"
                type="url"
                required
                help="Exactly the iss of its ID-JAGs, e.g. https://idp.acme.example"
              />
              <Field
                id="tenant"
                label="Tenant (optional)"
                help="Pin the trust to ID-JAGs carrying this tenant claim."
              />
              <Field
                id="jwksUri"
                label="JWKS URI (optional)"
                type="url"
                help="Empty: found through the issuer's metadata."
              />
              <fieldset>
                <legend>Clients that may present its ID-JAGs</legend>
                <p class="help">None checked: any registered client.</p>
                {clients.map((x, i) => (
                  <label class="check" for={`clients-${i}`}>
                    <input id={`clients-${i}`} type="checkbox" name="clients" value={x.clientId} />
                    <span>
                      {x.name ?? x.clientId} <code>{x.clientId}</code>
                    </span>
                  </label>
                ))}
              </fieldset>
              <Select
                id="linkingMode"
                label="Link users"
                options={LINKING_MODES.map((m) => ({ value: m, label: `${m}: ${LINKING_WORDS[m]}` }))}
                value="subject"
              />
              <Field
                id="emailDomains"
                label="Email domains (for email and jit)"
                help="Separated by spaces, e.g. acme.example"
              />
              <button class="btn" type="submit">
                Add trust (disabled)
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/organizations/:id/trusts`, (c) =>
    act(c, deps, `/organizations/${encodeURIComponent(c.req.param('id'))}`, async () => {
      const clients = fields(c, 'clients')
      const linkingMode = field(c, 'linkingMode') as LinkingMode
      const trust = await service.createTrust(actor(c), {
        organizationId: c.req.param('id'),
        issuer: field(c, 'issuer'),
        ...(field(c, 'tenant') ? { tenant: field(c, 'tenant') } : {}),
        ...(field(c, 'jwksUri') ? { jwksUri: field(c, 'jwksUri') } : {}),
        allowedClientIds: clients.length === 0 ? null : clients,
        linkingMode: LINKING_MODES.includes(linkingMode) ? linkingMode : 'subject',
        emailDomains: field(c, 'emailDomains').split(/\s+/).filter(Boolean),
      })
      return {
        flash: { kind: 'ok', text: `Trust in ${trust.issuer} added, disabled. Verify its metadata, then enable it.` },
      }
    }),
  )

  const back = async (id: string) => `/organizations/${encodeURIComponent((await service.getTrust(id)).organizationId)}`
  app.post(`${base}/trusts/:id/verify`, async (c) =>
    act(c, deps, await back(c.req.param('id')), async () => {
      const result = await service.verifyTrust(actor(c), c.req.param('id'))
      return {
        flash: {
          kind: 'ok',
          text: `Verified: ${result.trust.issuer} publishes valid metadata and ${result.keys} ${result.keys === 1 ? 'key' : 'keys'}.`,
          details: [`Metadata ${result.metadataUrl}`, `Keys ${result.jwksUri}`],
        },
      }
    }),
  )
  for (const enabled of [true, false]) {
    app.post(`${base}/trusts/:id/${enabled ? 'enable' : 'disable'}`, async (c) =>
      act(c, deps, await back(c.req.param('id')), async () => {
        const trust = await service.setTrustEnabled(actor(c), c.req.param('id'), enabled)
        return {
          flash: enabled
            ? { kind: 'ok', text: `Trust in ${trust.issuer} enabled: its ID-JAGs are redeemed from the next request.` }
            : {
                kind: 'ok',
                text: `Trust in ${trust.issuer} disabled.`,
                details: ['Its ID-JAGs are refused from the next request (invalid_grant, ERR_ID_JAG_TRUST_DISABLED).'],
              },
        }
      }),
    )
  }
}
