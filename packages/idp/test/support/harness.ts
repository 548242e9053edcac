/**
 * A real IdP on loopback for tests: SQLite in a temp dir, an injected clock, a directory seeded with one
 * organization (users, groups, clients, two resource applications, managed connections), and the flows a client runs.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAdaptorServer } from '@hono/node-server'
import {
  buildBasicAuthorization,
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '@openxaa/protocol'
import { openStore, type Store } from '@openxaa/store'
import { type AdminContext, createIdp, hashPassword, hashSecret, type Idp, type IdpOptions } from '../../src/index.js'
import { Browser, formAction, hiddenField } from './browser.js'

export const TENANT = 'acme'
export const PASSWORD = 'correct horse battery staple'
export const CHAT_ISSUER = 'https://as.chat.example'
export const CHAT_MCP = 'https://mcp.chat.example'
export const FILES_ISSUER = 'https://as.files.example'
export const FILES_MCP = 'https://mcp.files.example'
export const FILES_ADMIN_MCP = 'https://mcp-admin.files.example'
export const REDIRECT_URI = 'http://127.0.0.1:9/callback'

/**
 * The real time plus an offset the tests move by hand: oidc-provider stamps its tokens with the real clock, so the
 * IdP's clock must not fall behind it.
 */
export class TestClock {
  offset = 0
  get now(): number {
    return Date.now() + this.offset
  }
  readonly fn = () => this.now
  advance(seconds: number): void {
    this.offset += seconds * 1000
  }
}

export interface SeededClient {
  clientId: string
  secret: string
}

export interface Harness {
  store: Store
  idp: Idp
  issuer: string
  clock: TestClock
  users: { alice: string; bob: string; carol: string }
  groups: { engineering: string; sales: string }
  apps: { chat: string; files: string }
  clients: { agent: SeededClient; other: SeededClient; plain: SeededClient }
  /** Administration straight on the store, as the CLI does (another process: the IdP notices key changes later). */
  admin: AdminContext
  /**
   * Start a second IdP (another replica) on the same store; with `ownStore`, on a store of its own over the same
   * database (another process: nothing in memory is shared).
   */
  replica(options?: { ownStore?: boolean }): Promise<{ idp: Idp; issuer: string; store: Store; close(): Promise<void> }>
  close(): Promise<void>
}

async function listen(make: (issuer: string) => Promise<Idp>) {
  let idp: Idp | undefined
  const server = createAdaptorServer({ fetch: (req, env) => idp!.fetch(req, env as never), hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  idp = await make(issuer)
  return {
    idp,
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

/** Where the harness keeps its data; default a SQLite file in a temporary directory. */
export interface HarnessSetup {
  /** Another database (the benchmarks run the IdP on PostgreSQL too); the caller owns and drops it. */
  databaseUrl?: string
  /** The key-encryption key of the store; default a random one (pass one for another process on the same data). */
  keyEncryptionKey?: string
  /** The store's wait for a PostgreSQL connection (`connectTimeoutMs`). */
  connectTimeoutMs?: number
}

/** Starts the IdP and seeds the directory. */
export async function startHarness(extra: Partial<IdpOptions> = {}, setup: HarnessSetup = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'openxaa-idp-'))
  const clock = new TestClock()
  const storeOptions = {
    url: setup.databaseUrl ?? `sqlite:${join(dir, 'idp.db')}`,
    keyEncryptionKey: setup.keyEncryptionKey ?? randomBytes(32).toString('base64url'),
    dataDir: dir,
    clock: clock.fn,
    ...(setup.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: setup.connectTimeoutMs }),
  }
  const store = await openStore(storeOptions)
  const cookieKeys = [randomBytes(32).toString('base64url')]
  const options = (issuer: string): IdpOptions => ({
    issuer,
    tenant: TENANT,
    cookieKeys,
    passwordHashCost: 12,
    keyCheckInterval: 5,
    ...extra,
  })
  const main = await listen((issuer) => createIdp({ store, clock: clock.fn }, options(issuer)))

  const hash = await hashPassword(PASSWORD, 12)
  const idp = store.idp
  const alice = await idp.users.create({
    username: 'alice',
    email: 'alice@acme.example',
    emailVerified: true,
    name: 'Alice',
    passwordHash: hash,
    roles: ['admin'],
  })
  const bob = await idp.users.create({ username: 'bob', email: 'bob@acme.example', passwordHash: hash })
  const carol = await idp.users.create({ username: 'carol', passwordHash: hash })
  const engineering = await idp.groups.create({ name: 'engineering' })
  const sales = await idp.groups.create({ name: 'sales' })
  await idp.groups.addMember(engineering.id, alice.id)
  await idp.groups.addMember(sales.id, bob.id)
  await idp.groups.addMember(engineering.id, carol.id)

  const clients = {
    agent: { clientId: 'agent', secret: randomBytes(32).toString('base64url') },
    other: { clientId: 'other-agent', secret: randomBytes(32).toString('base64url') },
    plain: { clientId: 'plain-app', secret: randomBytes(32).toString('base64url') },
  }
  const xaaGrants = ['authorization_code', 'refresh_token', GRANT_TYPE_TOKEN_EXCHANGE]
  for (const [c, grants] of [
    [clients.agent, xaaGrants],
    [clients.other, xaaGrants],
    [clients.plain, ['authorization_code', 'refresh_token']],
  ] as const) {
    await idp.clients.create({
      clientId: c.clientId,
      name: `Client ${c.clientId}`,
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: [...grants],
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'],
      secretHash: hashSecret(c.secret),
      firstParty: true,
    })
  }

  const chat = await idp.applications.create({
    name: 'Chat',
    issuer: CHAT_ISSUER,
    aliases: ['urn:chat'],
    includeEmail: true,
  })
  await idp.applications.putResource(chat.id, { uri: CHAT_MCP, scopes: ['chat.read', 'chat.history', 'chat.write'] })
  await idp.applications.setClientId(chat.id, 'agent', 'f53f191f9311af35')
  const files = await idp.applications.create({ name: 'Files', issuer: FILES_ISSUER })
  await idp.applications.putResource(files.id, { uri: FILES_MCP, scopes: ['files.read', 'files.write'] })
  await idp.applications.putResource(files.id, { uri: FILES_ADMIN_MCP, scopes: ['files.admin'] })
  await idp.connections.create({
    clientId: 'agent',
    applicationId: chat.id,
    resource: CHAT_MCP,
    groups: [engineering.id],
    scopes: ['chat.read', 'chat.history'],
    consentGrantedBy: alice.id,
  })
  await idp.connections.create({
    clientId: 'agent',
    applicationId: files.id,
    resource: FILES_MCP,
    groups: [engineering.id],
    scopes: ['files.read'],
    maxAuthAge: 600,
    consentGrantedBy: alice.id,
  })

  return {
    store,
    idp: main.idp,
    issuer: main.issuer,
    clock,
    users: { alice: alice.id, bob: bob.id, carol: carol.id },
    groups: { engineering: engineering.id, sales: sales.id },
    apps: { chat: chat.id, files: files.id },
    clients,
    admin: {
      store,
      actor: { type: 'cli', id: 'test' },
      now: clock.fn,
      passwordHashCost: 12,
      keyRetireAfter: 3660,
    },
    async replica(replicaOptions = {}) {
      const own = replicaOptions.ownStore === true ? await openStore(storeOptions) : undefined
      const running = await listen((issuer) => createIdp({ store: own ?? store, clock: clock.fn }, options(issuer)))
      return {
        ...running,
        store: own ?? store,
        async close() {
          await running.close()
          if (own !== undefined) {
            await running.idp.close()
            await own.close()
          }
        },
      }
    },
    async close() {
      await main.close()
      await main.idp.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** PKCE S256 pair. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export interface TokenSet {
  id_token: string
  access_token: string
  refresh_token?: string
  scope?: string
  expires_in: number
}

/** What a client holds after the authorization endpoint: the code and the PKCE verifier that redeems it. */
export interface AuthorizationResult {
  code: string
  verifier: string
}

/** Options of {@link authorize} and {@link signIn}. */
export interface SignInOptions {
  username?: string
  password?: string
  scope?: string
  browser?: Browser
  /** Client authentication at the token endpoint other than client_secret_basic. */
  tokenAuth?: () => Promise<{ headers?: Record<string, string>; fields?: Record<string, string> }>
}

/** The authorization endpoint URL of a code flow with PKCE for `client`. */
export function authorizationUrl(
  h: { issuer: string },
  client: SeededClient,
  challenge: string,
  scope?: string,
): string {
  const auth = new URL(`${h.issuer}/auth`)
  auth.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: scope ?? 'openid email profile offline_access',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString()
  return auth.href
}

/** Runs the authorization endpoint with PKCE through the real sign-in form, up to the code at the redirect URI. */
export async function authorize(
  h: { issuer: string },
  client: SeededClient,
  opts: SignInOptions = {},
): Promise<AuthorizationResult> {
  const browser = opts.browser ?? new Browser()
  const { verifier, challenge } = pkce()
  let step = await browser.follow(authorizationUrl(h, client, challenge, opts.scope), REDIRECT_URI)
  if (step.res !== undefined) {
    const page = await step.res.text()
    if (step.res.status !== 200) throw new Error(`sign-in page: ${step.res.status} ${page.slice(0, 300)}`)
    step = await browser.submit(
      formAction(page, step.url),
      {
        csrf: hiddenField(page, 'csrf') ?? '',
        username: opts.username ?? 'alice',
        password: opts.password ?? PASSWORD,
      },
      REDIRECT_URI,
    )
  }
  if (step.res !== undefined)
    throw new Error(`sign-in did not complete: ${step.res.status} ${(await step.res.text()).slice(0, 500)}`)
  const code = new URL(step.url).searchParams.get('code')
  if (!code) throw new Error(`no code in ${step.url}`)
  return { code, verifier }
}

/** POSTs the authorization code grant; the raw answer. */
export async function redeemCode(
  h: { issuer: string },
  client: SeededClient,
  { code, verifier }: AuthorizationResult,
  opts: Pick<SignInOptions, 'tokenAuth'> = {},
): Promise<Response> {
  const custom = await opts.tokenAuth?.()
  return fetch(`${h.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(custom ? custom.headers : { authorization: buildBasicAuthorization(client.clientId, client.secret) }),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      ...custom?.fields,
    }),
  })
}

/** Runs the authorization code flow with PKCE through the real sign-in form; returns the token response. */
export async function signIn(h: { issuer: string }, client: SeededClient, opts: SignInOptions = {}): Promise<TokenSet> {
  const res = await redeemCode(h, client, await authorize(h, client, opts), opts)
  const body = await res.json()
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`)
  return body as TokenSet
}

/** POSTs a token exchange; `auth` chooses client authentication. */
export async function exchange(
  h: { issuer: string },
  params: Record<string, string | string[]>,
  auth:
    | { client: SeededClient; method?: 'basic' | 'post' }
    | { none: true }
    | { headers: Record<string, string>; fields?: Record<string, string> },
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const body = new URLSearchParams()
  const all: Record<string, string | string[]> = {
    grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
    requested_token_type: TOKEN_TYPE_ID_JAG,
    subject_token_type: TOKEN_TYPE_ID_TOKEN,
    ...params,
  }
  for (const [k, v] of Object.entries(all)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
  const h2: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...headers }
  if ('client' in auth) {
    if (auth.method === 'post') {
      body.set('client_id', auth.client.clientId)
      body.set('client_secret', auth.client.secret)
    } else {
      h2.authorization = buildBasicAuthorization(auth.client.clientId, auth.client.secret)
    }
  } else if ('headers' in auth) {
    Object.assign(h2, auth.headers)
    for (const [k, v] of Object.entries(auth.fields ?? {})) body.set(k, v)
  }
  const res = await fetch(`${h.issuer}/token`, { method: 'POST', headers: h2, body })
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers }
}
