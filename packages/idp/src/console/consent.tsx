/** @jsxImportSource hono/jsx */
/**
 * "Grant consent on behalf of the organization": the explicit step before a managed connection exists (or before an
 * edit widens who may use it or what it allows). The page states exactly what is being allowed; the administrator
 * confirms with a checkbox and a button; the operation records who granted and when (`consentGrantedBy`, at).
 * @see ../../../../shared/architecture.md (managed connections), spec/xaa-protocol.md section 5 (admin consent)
 */

import { Csrf } from '@openxaa/console-ui'
import type { Context } from 'hono'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { csrfOf, render } from './respond.js'

/** What a consent page states. */
export interface ConsentSubject {
  clientName: string
  clientId: string
  applicationName: string
  resource: string
  groups: { id: string; name: string }[]
  scopes: string[]
  maxAuthAge: number | null
  /** For an edit: what was allowed before. */
  before?: { groups: string[]; scopes: string[] }
}

/** The confirm page; `action` receives the same fields back plus `consent=yes`. */
export function consentPage(
  c: Context<ConsoleEnv>,
  deps: ConsoleDeps,
  props: { subject: ConsentSubject; action: string; cancel: string; hidden: [string, string][]; step?: boolean },
): Response {
  const { subject: s } = props
  const user = c.var.user
  const org = deps.runtime.options.tenant
  const added = s.before
    ? {
        groups: s.groups.filter((g) => !s.before!.groups.includes(g.id)).map((g) => g.name),
        scopes: s.scopes.filter((x) => !s.before!.scopes.includes(x)),
      }
    : undefined
  return render(c, deps, {
    title: 'Grant consent',
    active: 'connections',
    body: (
      <>
        {props.step && (
          <ol class="stepper" aria-label="Steps">
            <li>1. Client and resource</li>
            <li>2. Groups and scopes</li>
            <li aria-current="step">3. Consent</li>
          </ol>
        )}
        <h1>Grant consent on behalf of the organization</h1>
        <section class="card consent" aria-labelledby="consent-title">
          <h2 id="consent-title">
            {s.clientName} may act for your people at {s.applicationName}
          </h2>
          <p>
            Once you consent, members of the groups below who use <strong>{s.clientName}</strong> get ID-JAGs for{' '}
            <code>{s.resource}</code> without being asked, within these scopes. Every issuance and refusal is in the
            audit log; you can disable the connection at any time.
          </p>
          <dl>
            <dt>AI client</dt>
            <dd>
              {s.clientName} <code>{s.clientId}</code>
            </dd>
            <dt>Application</dt>
            <dd>{s.applicationName}</dd>
            <dt>Resource</dt>
            <dd>
              <code>{s.resource}</code>
            </dd>
            <dt>Groups</dt>
            <dd>{s.groups.map((g) => g.name).join(', ')}</dd>
            <dt>Scopes (at most)</dt>
            <dd>{s.scopes.length === 0 ? 'none' : s.scopes.join(' ')}</dd>
            <dt>Sign-in age</dt>
            <dd>{s.maxAuthAge === null ? 'any' : `at most ${s.maxAuthAge} seconds old`}</dd>
            {added && (
              <>
                <dt>Newly allowed</dt>
                <dd>
                  {[...added.groups.map((g) => `group ${g}`), ...added.scopes.map((x) => `scope ${x}`)].join(', ')}
                </dd>
              </>
            )}
          </dl>
          <form method="post" action={props.action}>
            <Csrf token={csrfOf(c, deps)} />
            {props.hidden.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <input type="hidden" name="consent" value="yes" />
            <label class="check" for="confirm">
              <input id="confirm" type="checkbox" name="confirm" value="yes" required />
              <span>
                I, {user.name ?? user.username}, grant this consent on behalf of the organization <strong>{org}</strong>
                . It is recorded with my name and the time.
              </span>
            </label>
            <p class="actions">
              <button class="btn" type="submit">
                Grant consent {s.before ? 'and save' : 'and create the connection'}
              </button>
              <a class="btn btn-secondary" href={props.cancel}>
                Cancel
              </a>
            </p>
          </form>
        </section>
      </>
    ),
  })
}

/** True when the form carries the explicit consent (checkbox and button). */
export function consentGiven(form: URLSearchParams): boolean {
  return form.get('consent') === 'yes' && form.get('confirm') === 'yes'
}
