/**
 * Subject resolution (2(d) step 10): (organization, `iss`, `tenant`, `sub`) is the primary key of a person; a
 * verified email in one of the trust's listed domains may link a new subject to an existing account; JIT creates
 * the account on first sight. Decided over store rows only.
 * @see spec/xaa-protocol.md 2(d) step 10, section 5 "links accounts by sub (primary) then email"
 */
import { type IdJagClaims, ProtocolError } from '@openxaa/protocol'
import type { AsAccount, IssuerTrust, RedemptionRows } from '@openxaa/store'
import type { RedemptionContext } from '../context.js'

/** How the account was found. */
export type SubjectResolution = 'linked' | 'email' | 'jit'

function refuse(detail: string): ProtocolError {
  return new ProtocolError('ERR_ID_JAG_SUBJECT', 'the assertion subject is not known here', {
    rule: '2(d).10',
    detail,
  })
}

/** The email of the claims when it is verified (`email_verified: true`) and in one of the trust's domains. */
export function linkableEmail(claims: IdJagClaims, trust: IssuerTrust): string | undefined {
  const { email, email_verified: verified } = claims as IdJagClaims & { email_verified?: unknown }
  if (typeof email !== 'string' || verified !== true) return undefined
  const at = email.lastIndexOf('@')
  if (at <= 0) return undefined
  const domain = email.slice(at + 1).toLowerCase()
  return trust.emailDomains.includes(domain) ? email.toLowerCase() : undefined
}

/**
 * Finds or creates the local account of a verified ID-JAG's subject under `trust`'s linking mode, or refuses with
 * `ERR_ID_JAG_SUBJECT` (`invalid_grant`).
 */
export async function resolveSubject(
  context: RedemptionContext,
  trust: IssuerTrust,
  claims: IdJagClaims,
  rows?: RedemptionRows,
): Promise<{ account: AsAccount; resolution: SubjectResolution }> {
  const { accounts } = context.store.authServer
  const key = { organizationId: trust.organizationId, issuer: trust.issuer, tenant: trust.tenant, subject: claims.sub }
  // null: the prefetched rows did not cover this key (undefined there means read, and not linked).
  const read = rows === undefined ? null : rows.linkedAccount(trust, claims.sub)
  const linked = read === null ? await accounts.findByLink(key) : read
  if (linked) return { account: linked, resolution: 'linked' }
  if (trust.linkingMode === 'subject') throw refuse('no account is linked to this subject; the trust links by sub only')

  const email = linkableEmail(claims, trust)
  if (email !== undefined) {
    const matches = await accounts.findByEmail(trust.organizationId, email)
    if (matches.length > 1) throw refuse('several accounts have this email; link the subject by hand')
    const [match] = matches
    if (match) {
      const account = await accounts.link(match.id, key)
      if (account) return { account, resolution: 'email' }
    }
  }
  if (trust.linkingMode === 'email') {
    throw refuse(
      email === undefined
        ? 'no account is linked to this subject and the assertion has no verified email in a listed domain'
        : 'no account has this email',
    )
  }
  const account = await accounts.create({ organizationId: trust.organizationId, email: email ?? null, link: key })
  return { account, resolution: 'jit' }
}
