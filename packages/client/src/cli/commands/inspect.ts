import { inspectJwt } from '../../inspect/inspect.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { type Command, formatTime, output } from './context.js'

const KIND_NAMES = {
  'id-jag': 'ID-JAG (identity assertion JWT authorization grant)',
  'access-token': 'access token (RFC 9068 JWT)',
  'id-token': 'ID token (OpenID Connect)',
  'dpop-proof': 'DPoP proof (RFC 9449)',
  'client-assertion': 'client assertion (RFC 7523)',
  unknown: 'unrecognised JWT',
} as const

/** `openxaa inspect` (its `help` text is the reference). */
export const inspect: Command = {
  name: 'inspect',
  summary: 'Explain a JWT: ID token, ID-JAG or access token',
  spec: {},
  help: `Usage: openxaa inspect <jwt | -> [--json]

Decodes the token offline (the signature is NOT checked) and says what it is (by its typ header, else by its
claims), who issued it for whom, when it expires, and which rule of its specification it breaks. "-" reads the
token from stdin (keeps it out of the shell history). Exit code 5 when it breaks a rule.`,
  async run(ctx) {
    const arg = ctx.args.positionals[0]
    if (arg === undefined) throw new UsageError('usage: openxaa inspect <jwt | ->')
    const jwt = (arg === '-' ? await ctx.io.readStdin() : arg).trim()
    const report = inspectJwt(jwt)
    const lines = [`${KIND_NAMES[report.kind]}, recognised by ${report.recognisedBy}`]
    const row = (label: string, value: string | undefined) => {
      if (value !== undefined) lines.push(`  ${label.padEnd(10)} ${value}`)
    }
    row('issuer', report.issuer)
    row('subject', report.subject)
    row('audience', report.audience?.join(', '))
    row('client', report.clientId)
    row('resource', Array.isArray(report.resource) ? report.resource.join(', ') : report.resource)
    row('scope', report.scope)
    row('tenant', report.tenant)
    row('bound to', report.boundToJkt === undefined ? undefined : `DPoP key ${report.boundToJkt}`)
    row('issued', report.issuedAt === undefined ? undefined : formatTime(report.issuedAt))
    row('expires', report.expiresAt === undefined ? undefined : `${formatTime(report.expiresAt)} (${report.expiry})`)
    row('lifetime', report.lifetime === undefined ? undefined : `${report.lifetime} s`)
    row('signature', `not checked (offline)${report.header.alg === undefined ? '' : `, alg ${report.header.alg}`}`)
    if (report.findings.length === 0) lines.push('No rule broken.')
    else {
      lines.push(report.ok ? 'Warnings:' : 'Breaks:')
      for (const f of report.findings) lines.push(`  ${f.severity === 'error' ? '✗' : '!'} ${f.message}  [${f.rule}]`)
    }
    output(ctx, lines.join('\n'), report)
    return report.ok ? EXIT.OK : EXIT.TOKEN_BREAKS_A_RULE
  },
}
