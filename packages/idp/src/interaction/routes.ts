/**
 * The IdP's own interactions, in place of oidc-provider's development ones: the sign-in page (scrypt-verified
 * password, generic error, disabled users refused, every attempt audited) and the consent page (only for clients that
 * are neither first-party nor admin-approved). Forms carry a CSRF token bound to the interaction and a cookie.
 */
import type { HttpBindings } from '@hono/node-server'
import { isDatabaseUnavailable } from '@openxaa/ops'
import { type OAuthForm, readForm } from '@openxaa/protocol'
import { type Context, Hono } from 'hono'
import type { Interaction } from 'oidc-provider'
import { AUDIT_ACTIONS, recordQuietly } from '../audit.js'
import type { IdpRuntime } from '../context.js'
import { verifyPassword } from '../directory/password.js'
import { requestIdOfContext, withRequestId } from '../request-id.js'
import { checkCsrfToken, issueCsrfToken } from './csrf.js'
import { consentPage, errorPage, signInPage } from './pages.js'

type Env = { Bindings: HttpBindings }

const GENERIC_FAILURE = 'Wrong username or password.'
const HTML_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}

/** Mounts the interaction routes under `${mountPath}/interaction`. */
export function interactionRoutes(runtime: IdpRuntime): Hono<Env> {
  const { options, store } = runtime
  const base = `${options.mountPath}/interaction`
  const app = new Hono<Env>()
  const site = options.displayName

  const show = (c: Context<Env>, body: string, status: 200 | 400 | 403 = 200) => c.html(body, status, HTML_HEADERS)

  // The interaction of this browser for :uid; undefined (after answering) when it has expired or does not match.
  async function load(
    c: Context<Env>,
  ): Promise<
    { interaction: Interaction; provider: Awaited<ReturnType<IdpRuntime['provider']['get']>>['provider'] } | Response
  > {
    const { provider } = await runtime.provider.get()
    try {
      const interaction = await provider.interactionDetails(c.env.incoming, c.env.outgoing)
      if (interaction.uid !== c.req.param('uid')) throw new Error('uid mismatch')
      return { interaction, provider }
    } catch (err) {
      // The interaction may well be valid: the database could not say. `observe` answers that with a 503.
      if (isDatabaseUnavailable(err)) throw err
      return show(
        c,
        errorPage(
          site,
          'Sign-in expired',
          'This sign-in request has expired. Go back to the application and start again.',
        ),
        400,
      )
    }
  }

  async function readPosted(c: Context<Env>, uid: string): Promise<OAuthForm | Response> {
    let form: OAuthForm
    try {
      form = await readForm(c.req.raw)
    } catch {
      return show(c, errorPage(site, 'Invalid request', 'The form could not be read. Go back and try again.'), 400)
    }
    if (!checkCsrfToken(c, options.cookieKeys, uid, form.get('csrf'))) {
      await recordQuietly(store.audit, runtime.logger, {
        actor: { type: 'anonymous', id: 'browser' },
        ...withRequestId(requestIdOfContext(c)),
        action: AUDIT_ACTIONS.signIn,
        decision: 'deny',
        reason: 'ERR_CSRF',
        detail: 'interaction form without a valid CSRF token',
      })
      return show(
        c,
        errorPage(site, 'Invalid request', 'This form has expired. Go back to the application and start again.'),
        403,
      )
    }
    return form
  }

  const clientName = async (clientId: unknown) => {
    const client = typeof clientId === 'string' ? await store.idp.clients.get(clientId) : undefined
    return { name: client?.name ?? 'the application', firstParty: client?.firstParty ?? false }
  }

  app.get(`${base}/:uid`, async (c) => {
    const loaded = await load(c)
    if (loaded instanceof Response) return loaded
    const { interaction, provider } = loaded
    const csrf = issueCsrfToken(c, options.cookieKeys, interaction.uid, base)
    const client = await clientName(interaction.params.client_id)
    if (interaction.prompt.name === 'login') {
      return show(
        c,
        signInPage({ siteName: site, action: `${base}/${interaction.uid}/login`, csrf, clientName: client.name }),
      )
    }
    if (client.firstParty) {
      return c.redirect(await finishConsent(runtime, provider, c, interaction), 303)
    }
    const scopes = [...((interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? [])]
    return show(
      c,
      consentPage({
        siteName: site,
        action: `${base}/${interaction.uid}/consent`,
        abort: `${base}/${interaction.uid}/abort`,
        csrf,
        clientName: client.name,
        scopes,
      }),
    )
  })

  app.post(`${base}/:uid/login`, async (c) => {
    const loaded = await load(c)
    if (loaded instanceof Response) return loaded
    const { interaction, provider } = loaded
    const form = await readPosted(c, interaction.uid)
    if (form instanceof Response) return form
    if (interaction.prompt.name !== 'login') return c.redirect(`${base}/${interaction.uid}`, 303)
    const username = (form.get('username') ?? '').trim()
    const password = form.get('password') ?? ''
    const found = username === '' ? undefined : await store.idp.users.credentials(username)
    // Always one scrypt verification, so that a response time does not tell which usernames exist.
    const ok = await verifyPassword(password, found?.passwordHash ?? (await runtime.dummyPasswordHash))
    const clientId = typeof interaction.params.client_id === 'string' ? interaction.params.client_id : undefined
    const refuse = async (reason: string, detail: string) => {
      await recordQuietly(store.audit, runtime.logger, {
        actor: { type: 'user', id: found?.user.id ?? 'unknown' },
        ...withRequestId(requestIdOfContext(c)),
        action: AUDIT_ACTIONS.signIn,
        decision: 'deny',
        reason,
        detail,
        ...(found ? { userId: found.user.id } : {}),
        ...(clientId ? { clientId } : {}),
      })
      const csrf = issueCsrfToken(c, options.cookieKeys, interaction.uid, base)
      const client = await clientName(clientId)
      return show(
        c,
        signInPage({
          siteName: site,
          action: `${base}/${interaction.uid}/login`,
          csrf,
          clientName: client.name,
          username,
          error: GENERIC_FAILURE,
        }),
      )
    }
    if (found === undefined || found.passwordHash === null || !ok) {
      return refuse('ERR_SIGN_IN_FAILED', found === undefined ? 'unknown username' : 'wrong password')
    }
    if (found.user.status !== 'active') return refuse('ERR_USER_DISABLED', 'the user is disabled')
    await store.audit.append({
      actor: { type: 'user', id: found.user.id },
      ...withRequestId(requestIdOfContext(c)),
      action: AUDIT_ACTIONS.signIn,
      decision: 'allow',
      userId: found.user.id,
      subject: found.user.id,
      ...(clientId ? { clientId } : {}),
      data: { amr: ['pwd'] },
    })
    const returnTo = await provider.interactionResult(
      c.env.incoming,
      c.env.outgoing,
      { login: { accountId: found.user.id, amr: ['pwd'], remember: true } },
      { mergeWithLastSubmission: false },
    )
    return c.redirect(returnTo, 303)
  })

  app.post(`${base}/:uid/consent`, async (c) => {
    const loaded = await load(c)
    if (loaded instanceof Response) return loaded
    const form = await readPosted(c, loaded.interaction.uid)
    if (form instanceof Response) return form
    if (loaded.interaction.prompt.name !== 'consent') return c.redirect(`${base}/${loaded.interaction.uid}`, 303)
    return c.redirect(await finishConsent(runtime, loaded.provider, c, loaded.interaction), 303)
  })

  app.post(`${base}/:uid/abort`, async (c) => {
    const loaded = await load(c)
    if (loaded instanceof Response) return loaded
    const form = await readPosted(c, loaded.interaction.uid)
    if (form instanceof Response) return form
    const returnTo = await loaded.provider.interactionResult(
      c.env.incoming,
      c.env.outgoing,
      { error: 'access_denied', error_description: 'the user declined' },
      { mergeWithLastSubmission: false },
    )
    return c.redirect(returnTo, 303)
  })

  return app
}

/** Grants what the consent prompt found missing, records it, and finishes the interaction. */
async function finishConsent(
  runtime: IdpRuntime,
  provider: Awaited<ReturnType<IdpRuntime['provider']['get']>>['provider'],
  c: Context<Env>,
  interaction: Interaction,
): Promise<string> {
  const accountId = interaction.session!.accountId
  const clientId = String(interaction.params.client_id)
  const grant = interaction.grantId
    ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId }))
    : new provider.Grant({ accountId, clientId })
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[]
    missingOIDCClaims?: string[]
    missingResourceScopes?: Record<string, string[]>
  }
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '))
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims)
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '))
  }
  const grantId = await grant.save()
  await runtime.store.audit.append({
    actor: { type: 'user', id: accountId },
    ...withRequestId(requestIdOfContext(c)),
    action: AUDIT_ACTIONS.consent,
    decision: 'allow',
    userId: accountId,
    clientId,
    data: { scope: (details.missingOIDCScope ?? []).join(' ') },
  })
  return provider.interactionResult(
    c.env.incoming,
    c.env.outgoing,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  )
}
