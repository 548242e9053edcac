/**
 * Local accounts of an organization and their links to IdP subjects: (organization, issuer, tenant, sub) → account.
 * `sub` is the primary key of a person; email only links a new subject to an existing account.
 * @see ../../../../shared/spec/xaa-protocol.md 2(d) step 10, section 5 "links accounts by sub (primary) then email"
 */
import type { Selectable } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { prepareQuery } from '../internal/prepared.js'
import type { AsAccountTable } from '../schema.js'
import { randomId } from './secrets.js'
import type { AccountLinkKey, AsAccount } from './types.js'
import { checkSlug, checkText } from './validate.js'

/** Accounts of the resource AS. */
export interface AsAccountRepository {
  /** The account linked to this IdP identity, if any. */
  findByLink(key: AccountLinkKey): Promise<AsAccount | undefined>
  /** Accounts of the organization with this email (compared lower-case). */
  findByEmail(organizationId: string, email: string): Promise<AsAccount[]>
  /** Creates an account, optionally linked to an identity; when another request linked it first, returns that one. */
  create(input: { organizationId: string; email?: string | null; link?: AccountLinkKey }): Promise<AsAccount>
  /** Links an identity to an existing account; returns the account the identity is linked to afterwards. */
  link(accountId: string, key: AccountLinkKey): Promise<AsAccount | undefined>
  get(id: string): Promise<AsAccount | undefined>
  list(organizationId: string): Promise<AsAccount[]>
}

/** Maps a stored row (store-internal: the redemption read maps the same columns). */
export function fromRow(row: Selectable<AsAccountTable>): AsAccount {
  return { id: row.id, organizationId: row.organization_id, email: row.email, createdAt: Number(row.created_at) }
}

function checkKey(key: AccountLinkKey): void {
  checkSlug('account link organizationId', key?.organizationId)
  checkText('account link issuer', key.issuer, 2048)
  checkText('account link subject', key.subject, 1024)
  if (key.tenant !== null) checkText('account link tenant', key.tenant)
}

/** Builds the account repository over a context. */
export function createAsAccountRepository(context: RepositoryContext): AsAccountRepository {
  const { db, clock } = context
  const get = async (id: string) => {
    const row = await db.selectFrom('as_account').selectAll().where('id', '=', id).executeTakeFirst()
    return row && fromRow(row)
  }
  // Every redemption links its subject: compiled once.
  const byLink = prepareQuery(db, 4, (db, organizationId, issuer, tenantKey, subject) =>
    db
      .selectFrom('as_account_link')
      .innerJoin('as_account', 'as_account.id', 'as_account_link.account_id')
      .selectAll('as_account')
      .where('as_account_link.organization_id', '=', organizationId!)
      .where('as_account_link.issuer', '=', issuer!)
      .where('as_account_link.tenant_key', '=', tenantKey!)
      .where('as_account_link.subject', '=', subject!),
  )
  const findByLink = async (key: AccountLinkKey) => {
    const row = (await byLink(key.organizationId, key.issuer, key.tenant ?? '', key.subject))[0]
    return row && fromRow(row)
  }
  // One atomic insert decides which account an identity belongs to when two requests race.
  const insertLink = async (accountId: string, key: AccountLinkKey) => {
    const inserted = await db
      .insertInto('as_account_link')
      .values({
        organization_id: key.organizationId,
        issuer: key.issuer,
        tenant_key: key.tenant ?? '',
        subject: key.subject,
        account_id: accountId,
        created_at: nowMs(clock),
      })
      .onConflict((oc) => oc.columns(['organization_id', 'issuer', 'tenant_key', 'subject']).doNothing())
      .returning('account_id')
      .executeTakeFirst()
    return inserted !== undefined
  }

  return {
    findByLink: async (key) => {
      checkKey(key)
      return findByLink(key)
    },
    async findByEmail(organizationId, email) {
      const rows = await db
        .selectFrom('as_account')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('email', '=', email.toLowerCase())
        .orderBy('created_at')
        .execute()
      return rows.map(fromRow)
    },
    async create(input) {
      checkSlug('account organizationId', input?.organizationId)
      if (input.email !== undefined && input.email !== null) checkText('account email', input.email, 320)
      if (input.link) checkKey(input.link)
      const row = {
        id: randomId('acct'),
        organization_id: input.organizationId,
        email: input.email?.toLowerCase() ?? null,
        created_at: nowMs(clock),
      }
      await db.insertInto('as_account').values(row).execute()
      if (input.link && !(await insertLink(row.id, input.link))) {
        // Lost the race: the identity is someone else's account already; drop ours.
        await db.deleteFrom('as_account').where('id', '=', row.id).execute()
        return (await findByLink(input.link))!
      }
      return fromRow(row)
    },
    async link(accountId, key) {
      checkKey(key)
      await insertLink(accountId, key)
      return findByLink(key)
    },
    get,
    async list(organizationId) {
      const rows = await db
        .selectFrom('as_account')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at')
        .execute()
      return rows.map(fromRow)
    },
  }
}
