import { describeSeconds } from '../../inspect/rules.js'
import { isHttpsOrLoopbackUrl } from '../../internal/urls.js'
import { saveConfig } from '../config.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { type Command, formatTime, output } from './context.js'

// A browser can be opened on macOS, Windows, and Linux/BSD desktops; a bare SSH session or container has none.
function hasBrowser(env: NodeJS.ProcessEnv): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

/** `openxaa login` (its `help` text is the reference). */
export const login: Command = {
  name: 'login',
  summary: "Sign in at your organization's IdP",
  spec: { values: ['idp', 'client-id', 'client-secret', 'auth-method', 'scope'], flags: ['device', 'browser'] },
  help: `Usage: openxaa login [--device | --browser] [--idp <issuer> --client-id <id> [--client-secret <secret>]]

Signs you in once at the enterprise IdP. The ID token and the IdP refresh token are kept in tokens.json
(readable only by you); every MCP server is then reached without another sign-in.

  --idp <issuer>           the IdP issuer URL (saved in config.json)
  --client-id <id>         this client's id at the IdP (saved)
  --client-secret <s>      its secret (saved, mode 0600); or set OPENXAA_CLIENT_SECRET
  --auth-method <m>        client_secret_basic or client_secret_post (default: from the IdP metadata)
  --scope "<scopes>"       sign-in scopes (default "openid offline_access")
  --device                 use the device authorization grant (enter a code on another device)
  --browser                use the system browser (default when a display is available)
  --json                   print the identity as JSON`,
  async run(ctx) {
    const config = await ctx.config()
    const issuer = ctx.args.values.get('idp')
    const clientId = ctx.args.values.get('client-id')
    const secret = ctx.args.values.get('client-secret') ?? ctx.io.env.OPENXAA_CLIENT_SECRET
    const method = ctx.args.values.get('auth-method')
    if (method !== undefined && method !== 'client_secret_basic' && method !== 'client_secret_post') {
      throw new UsageError('--auth-method must be client_secret_basic or client_secret_post')
    }
    if (issuer !== undefined || clientId !== undefined) {
      if (issuer === undefined || clientId === undefined) throw new UsageError('--idp and --client-id go together')
      if (!isHttpsOrLoopbackUrl(issuer)) throw new UsageError('--idp must be an https URL')
      const scope = ctx.args.values.get('scope')
      config.idp = {
        issuer,
        clientId,
        ...(secret === undefined ? {} : { clientSecret: secret }),
        ...(method === undefined ? {} : { authMethod: method }),
        ...(scope === undefined ? {} : { scopes: scope.split(' ').filter(Boolean) }),
      }
    }
    const xaa = ctx.client(config)
    if (issuer !== undefined) await saveConfig(ctx.dir, config)
    const device = ctx.args.flags.has('device') || (!ctx.args.flags.has('browser') && !hasBrowser(ctx.io.env))
    const identity = await xaa.signIn(
      device
        ? {
            method: 'device',
            onUserCode: (prompt) => {
              ctx.progress.stop()
              ctx.io.stderr(
                `To sign in, open ${prompt.verificationUri} and enter the code ${prompt.userCode}\n` +
                  (prompt.verificationUriComplete === undefined ? '' : `(or open ${prompt.verificationUriComplete})\n`),
              )
            },
          }
        : { method: 'browser' },
    )
    const who = identity.email ?? identity.name ?? identity.subject
    output(ctx, `Signed in as ${who} at ${identity.issuer}.`, identity)
    return EXIT.OK
  },
}

/** `openxaa logout` (its `help` text is the reference). */
export const logout: Command = {
  name: 'logout',
  summary: 'Forget the session and every access token',
  spec: {},
  help: `Usage: openxaa logout

Revokes the IdP refresh token (when the IdP offers revocation) and deletes tokens.json. The configuration
(IdP, servers, credentials) is kept.`,
  async run(ctx) {
    const config = await ctx.config()
    if (config.idp !== undefined) await ctx.client(config).signOut()
    output(ctx, 'Signed out.', { signedOut: true })
    return EXIT.OK
  },
}

/** `openxaa whoami` (its `help` text is the reference). */
export const whoami: Command = {
  name: 'whoami',
  summary: 'Show who is signed in',
  spec: {},
  help: `Usage: openxaa whoami [--json]

Shows the signed-in user from the stored ID token (no network). Exit code 2 when nobody is signed in.`,
  async run(ctx) {
    const config = await ctx.config()
    const identity = config.idp === undefined ? undefined : await ctx.client(config).identity()
    if (identity === undefined) {
      output(ctx, 'Not signed in. Run: openxaa login', { signedIn: false })
      return EXIT.SIGN_IN_REQUIRED
    }
    const now = Math.floor(Date.now() / 1000)
    const expiry =
      identity.idTokenExpiresAt > now ? `valid for ${describeSeconds(identity.idTokenExpiresAt - now)}` : 'expired'
    const lines = [
      `${identity.email ?? identity.subject}${identity.name === undefined ? '' : ` (${identity.name})`}`,
      `  subject   ${identity.subject}`,
      `  IdP       ${identity.issuer}`,
      `  signed in ${formatTime(identity.signedInAt)}`,
      `  ID token  ${expiry}${identity.renewable ? ', renewed silently' : ', sign in again when it expires'}`,
    ]
    output(ctx, lines.join('\n'), { signedIn: true, ...identity })
    return EXIT.OK
  },
}
