/**
 * Every row a redemption reads, in one query: the client, the trusts of the assertion's issuer, the account linked
 * to its subject under each trust, and the resource it names. On PostgreSQL each statement is a round trip and a
 * socket write on both sides; four reads were four of the six a redemption made. Nothing is cached: the rows are
 * read at request time, so a client, trust or resource disabled or changed on another replica is seen at once.
 *
 * The issuer, subject and resource come from the assertion before its signature is checked: they only choose what
 * to read. The caller uses a row only when the verified claim is exactly the key it was read with, and reads again
 * (the repositories' own queries) otherwise.
 * @see spec/xaa-protocol.md 2(d)
 */
import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { RepositoryContext } from '../internal/context.js'
import { prepareQuery } from '../internal/prepared.js'
import type { AsAccountTable, AsClientTable, AsIssuerTrustTable, AsResourceTable } from '../schema.js'
import { fromRow as accountFromRow } from './accounts.js'
import { checkClientSecret, fromRow as clientFromRow } from './clients.js'
import { fromRow as trustFromRow } from './issuer-trusts.js'
import { fromRow as resourceFromRow } from './resources.js'
import type { AsAccount, AsClient, AsResource, IssuerTrust } from './types.js'

/** What to read: the client id always; issuer, subject and resource as the (unverified) assertion names them. */
export interface RedemptionRowsKey {
  clientId: string
  issuer?: string | undefined
  subject?: string | undefined
  resource?: string | undefined
}

/** The rows of one redemption, read together. */
export interface RedemptionRows {
  readonly key: Readonly<RedemptionRowsKey>
  /** The client; undefined when no client has this id (then nothing else was read: `covers` is false). */
  readonly client: AsClient | undefined
  /** Checks a presented secret against the row read, as `clients.authenticateSecret` does. */
  checkSecret(secret: string): Promise<boolean>
  /** Every trust of `key.issuer`, as `issuerTrusts.findByIssuer` returns them; undefined when not read. */
  trusts(issuer: string): IssuerTrust[] | undefined
  /** The resource as `resources.get` returns it; `null` when it was not read (another uri, or no client). */
  resource(uri: string): AsResource | undefined | null
  /** The account linked to `subject` under the trust, as `accounts.findByLink`; `null` when not read. */
  linkedAccount(trust: IssuerTrust, subject: string): AsAccount | undefined | null
}

/** Reads {@link RedemptionRows}. */
export interface RedemptionRowsRepository {
  /**
   * One query for the client, the issuer's trusts with their linked accounts, and the resource.
   * @example const rows = await store.authServer.redemptionRows.read({ clientId, issuer, subject, resource })
   */
  read(key: RedemptionRowsKey): Promise<RedemptionRows>
}

const COLUMNS = {
  c: ['client_id', 'organization_id', 'name', 'secret_hash', 'jwks', 'jwks_uri', 'auth_methods', 'enabled'],
  t: [
    'id',
    'organization_id',
    'issuer',
    'tenant',
    'tenant_key',
    'jwks_uri',
    'jwks',
    'allowed_client_ids',
    'linking_mode',
    'email_domains',
    'enabled',
    'metadata_verified_at',
  ],
  r: ['uri', 'name', 'scopes'],
  a: ['id', 'organization_id', 'email', 'created_at'],
} as const
const TIMESTAMPED = ['c', 't', 'r'] as const

// Each alias's columns as selected, with and without the alias prefix: computed once, not per row.
const SELECTED = Object.fromEntries(
  Object.entries(COLUMNS).map(([alias, names]) => {
    const all = (TIMESTAMPED as readonly string[]).includes(alias) ? [...names, 'created_at', 'updated_at'] : names
    return [alias, [...new Set(all)].map((name) => [name, `${alias}__${name}`] as const)]
  }),
) as Record<keyof typeof COLUMNS, (readonly [string, string])[]>

function selectList(): RawBuilder<unknown> {
  const columns: string[] = []
  for (const [alias, names] of Object.entries(SELECTED)) {
    for (const [name, as] of names) columns.push(`${alias}.${name} as ${as}`)
  }
  return sql.raw(columns.join(', '))
}

type Row = Record<string, unknown>

/** The columns of one table alias, without the prefix; undefined when the outer join found nothing. */
function part<T>(row: Row, alias: keyof typeof COLUMNS, key: string): Selectable<T> | undefined {
  if (row[`${alias}__${key}`] === null || row[`${alias}__${key}`] === undefined) return undefined
  const out: Row = {}
  for (const [name, as] of SELECTED[alias]) out[name] = row[as]
  return out as Selectable<T>
}

/** Builds the repository over a context. */
export function createRedemptionRowsRepository(context: RepositoryContext): RedemptionRowsRepository {
  const { db, dialect, verifiedSecrets } = context
  const columns = selectList()
  // Outer joins from the client: one row per trust of the issuer (at least one when the client exists). The link's
  // key is the trust's (organization, issuer, tenant_key) and the subject, as `accounts.findByLink` reads it.
  const query = prepareQuery<Row>(db, 4, (db, clientId, issuer, subject, resource) => {
    const raw = sql<Row>`select ${columns}
      from as_client c
      left join as_issuer_trust t on t.issuer = ${issuer}
      left join as_account_link l on l.organization_id = t.organization_id and l.issuer = t.issuer
        and l.tenant_key = t.tenant_key and l.subject = ${subject}
      left join as_account a on a.id = l.account_id
      left join as_resource r on r.uri = ${resource}
      where c.client_id = ${clientId}
      order by t.tenant_key`
    return { compile: () => raw.compile(db) }
  })

  return {
    async read(key) {
      const rows = await query(key.clientId, key.issuer ?? null, key.subject ?? null, key.resource ?? null)
      const first = rows[0]
      const clientRow = first && part<AsClientTable>(first, 'c', 'client_id')
      const client = clientRow && clientFromRow(dialect, clientRow)
      const covers = client !== undefined
      const trusts: IssuerTrust[] = []
      const accounts = new Map<string, AsAccount | undefined>()
      for (const row of rows) {
        const trustRow = part<AsIssuerTrustTable>(row, 't', 'id')
        if (trustRow === undefined) continue
        const trust = trustFromRow(dialect, trustRow)
        trusts.push(trust)
        const accountRow = part<AsAccountTable>(row, 'a', 'id')
        accounts.set(trust.id, accountRow && accountFromRow(accountRow))
      }
      const resourceRow = first && part<AsResourceTable>(first, 'r', 'uri')
      const resource = resourceRow && resourceFromRow(dialect, resourceRow)
      return {
        key: Object.freeze({ ...key }),
        client,
        checkSecret: (secret) => checkClientSecret(verifiedSecrets, key.clientId, clientRow, secret),
        trusts: (issuer) => (covers && key.issuer !== undefined && issuer === key.issuer ? trusts : undefined),
        resource: (uri) => (covers && key.resource !== undefined && uri === key.resource ? resource : null),
        linkedAccount(trust, subject) {
          if (!covers || key.subject === undefined || subject !== key.subject || key.issuer !== trust.issuer)
            return null
          if (!accounts.has(trust.id)) return null
          return accounts.get(trust.id)
        },
      }
    },
  }
}
