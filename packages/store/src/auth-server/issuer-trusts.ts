/**
 * Issuer trusts: which IdP (and which of its tenants) an organization accepts ID-JAGs from, where its keys are,
 * which clients may present them, and how subjects become accounts. A trust starts disabled.
 * @see ../../../../shared/spec/xaa-protocol.md 2(d) steps 3, 4, 8, 9, 10 and decision 7
 */
import type { Selectable, Updateable } from 'kysely'
import { nowMs } from '../clock.js'
import { StoreError } from '../errors.js'
import type { RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { prepareQuery } from '../internal/prepared.js'
import type { AsIssuerTrustTable } from '../schema.js'
import { randomId } from './secrets.js'
import { type IssuerTrust, type IssuerTrustInput, LINKING_MODES, type LinkingMode } from './types.js'
import { checkHttpsUrl, checkPublicJwks, checkSlug, checkStringList, checkText, conflictAs } from './validate.js'

/** Issuer trusts of the resource AS. */
export interface IssuerTrustRepository {
  /**
   * Creates a disabled trust. An (issuer, tenant) pair belongs to one organization (`ERR_STORE_CONFLICT`), and an
   * issuer trusted without a tenant pin cannot also be trusted with one: its tenants would be ambiguous.
   */
  create(input: IssuerTrustInput): Promise<IssuerTrust>
  get(id: string): Promise<IssuerTrust | undefined>
  /** Trusts of one organization, or all, by issuer. */
  list(filter?: { organizationId?: string }): Promise<IssuerTrust[]>
  /** Every trust of `issuer`, enabled or not, across organizations. */
  findByIssuer(issuer: string): Promise<IssuerTrust[]>
  /** Enables or disables; undefined when no such trust. */
  setEnabled(id: string, enabled: boolean): Promise<IssuerTrust | undefined>
  /** Records the JWKS location found in the issuer's metadata and when it was verified. */
  recordMetadataVerified(id: string, jwksUri: string | null): Promise<IssuerTrust | undefined>
}

/** Maps a stored row (store-internal: the redemption read maps the same columns). */
export function fromRow(dialect: RepositoryContext['dialect'], row: Selectable<AsIssuerTrustTable>): IssuerTrust {
  return {
    id: row.id,
    organizationId: row.organization_id,
    issuer: row.issuer,
    tenant: row.tenant,
    jwksUri: row.jwks_uri,
    jwks: row.jwks === null ? null : fromJson(dialect, row.jwks),
    allowedClientIds: row.allowed_client_ids === null ? null : fromJson(dialect, row.allowed_client_ids),
    linkingMode: row.linking_mode as LinkingMode,
    emailDomains: row.email_domains === null ? [] : fromJson(dialect, row.email_domains),
    enabled: Number(row.enabled) === 1,
    metadataVerifiedAt: row.metadata_verified_at === null ? null : Number(row.metadata_verified_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

function checkInput(input: IssuerTrustInput): void {
  checkSlug('trust organizationId', input?.organizationId)
  checkHttpsUrl('trust issuer', input.issuer)
  if (input.tenant !== undefined && input.tenant !== null) checkText('trust tenant', input.tenant)
  if (input.jwksUri !== undefined && input.jwksUri !== null) checkHttpsUrl('trust jwksUri', input.jwksUri)
  if (input.jwks !== undefined && input.jwks !== null) checkPublicJwks('trust jwks', input.jwks)
  if (input.jwks && input.jwksUri) throw new TypeError('trust takes jwksUri or jwks, not both')
  if (input.allowedClientIds !== undefined && input.allowedClientIds !== null) {
    checkStringList('trust allowedClientIds', input.allowedClientIds)
  }
  if (input.linkingMode !== undefined && !LINKING_MODES.includes(input.linkingMode)) {
    throw new TypeError(`trust linkingMode must be one of ${LINKING_MODES.join(', ')}`)
  }
  if (input.emailDomains !== undefined) {
    checkStringList('trust emailDomains', input.emailDomains)
    for (const domain of input.emailDomains) {
      if (!/^(?=.{1,253}$)[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i.test(domain)) {
        throw new TypeError('trust emailDomains must be domain names such as example.com')
      }
    }
  }
}

/** Builds the issuer trust repository over a context. */
export function createIssuerTrustRepository(context: RepositoryContext): IssuerTrustRepository {
  const { db, dialect, clock } = context
  const read = async (id: string) => {
    const row = await db.selectFrom('as_issuer_trust').selectAll().where('id', '=', id).executeTakeFirst()
    return row && fromRow(dialect, row)
  }
  // Every redemption looks its issuer up: compiled once.
  const byIssuer = prepareQuery(db, 1, (db, issuer) =>
    db.selectFrom('as_issuer_trust').selectAll().where('issuer', '=', issuer!).orderBy('tenant_key'),
  )
  const update = async (id: string, values: Updateable<AsIssuerTrustTable>) => {
    await db
      .updateTable('as_issuer_trust')
      .set({ ...values, updated_at: nowMs(clock) })
      .where('id', '=', id)
      .execute()
    return read(id)
  }

  return {
    async create(input) {
      checkInput(input)
      const tenant = input.tenant ?? null
      const existing = await db
        .selectFrom('as_issuer_trust')
        .select(['tenant_key', 'organization_id'])
        .where('issuer', '=', input.issuer)
        .execute()
      if (existing.length > 0 && (tenant === null || existing.some((t) => t.tenant_key === ''))) {
        throw new StoreError(
          'ERR_STORE_CONFLICT',
          'this issuer is already trusted; trusting it again needs a tenant pin on every trust of it',
        )
      }
      const now = nowMs(clock)
      const row = {
        id: randomId('tr', 6),
        organization_id: input.organizationId,
        issuer: input.issuer,
        tenant,
        tenant_key: tenant ?? '',
        jwks_uri: input.jwksUri ?? null,
        jwks: input.jwks ? toJson(input.jwks) : null,
        allowed_client_ids: input.allowedClientIds ? toJson([...input.allowedClientIds]) : null,
        linking_mode: input.linkingMode ?? 'subject',
        email_domains: toJson((input.emailDomains ?? []).map((d) => d.toLowerCase())),
        enabled: 0,
        metadata_verified_at: null,
        created_at: now,
        updated_at: now,
      }
      await conflictAs('a trust of this issuer and tenant', () =>
        db.insertInto('as_issuer_trust').values(row).execute(),
      )
      return (await read(row.id))!
    },
    get: read,
    async list(filter = {}) {
      let q = db.selectFrom('as_issuer_trust').selectAll()
      if (filter.organizationId !== undefined) q = q.where('organization_id', '=', filter.organizationId)
      const rows = await q.orderBy('issuer').orderBy('tenant_key').execute()
      return rows.map((row) => fromRow(dialect, row))
    },
    async findByIssuer(issuer) {
      const rows = await byIssuer(issuer)
      return rows.map((row) => fromRow(dialect, row))
    },
    setEnabled: (id, enabled) => update(id, { enabled: enabled ? 1 : 0 }),
    async recordMetadataVerified(id, jwksUri) {
      if (jwksUri !== null) checkHttpsUrl('trust jwksUri', jwksUri)
      const trust = await read(id)
      if (!trust) return undefined
      // A configured location wins: the discovered one only fills a trust that had none.
      const fill = trust.jwksUri === null && trust.jwks === null && jwksUri !== null ? { jwks_uri: jwksUri } : {}
      return update(id, { ...fill, metadata_verified_at: nowMs(clock) })
    },
  }
}
