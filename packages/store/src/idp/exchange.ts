/**
 * The reads of one token exchange. `rows` reads everything an exchange needs in one query: the client with its
 * secret hash, the subject (the user and the ids of their groups), the target (application by issuer or alias, the
 * resources it governs, the client's managed connection to each, the client's id at that RAS), the first block in
 * force on each resource, and the current signing key. On PostgreSQL each statement is a round trip and a socket
 * write on both sides: these were five of the six statements of an exchange (the sixth is its audit row).
 * `target` and `subject` are the same reads on their own.
 *
 * Every row is read fresh: nothing here is cached, so that disabling a user, a connection or a client, blocking, or
 * rotating the signing key through any replica applies to the next exchange on every replica. Only the decrypted
 * private key is kept in memory, by the identity of its row (`keys/store.ts`); which key is current is read here.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) steps 2, 4, 5, 10; section 8.3
 */
import { type RawBuilder, type Selectable, sql } from 'kysely'
import { nowMs } from '../clock.js'
import type { RepositoryContext } from '../internal/context.js'
import { prepareQuery } from '../internal/prepared.js'
import type { CurrentKeyRow, CurrentSigningKey } from '../keys/store.js'
import type { IdpClientTable, IdpUserTable, SqlDialect } from '../schema.js'
import type { IdpApplication, IdpResource } from './applications.js'
import type { IdpBlock } from './blocks.js'
import { clientFromRow, type IdpClient } from './clients.js'
import { connectionFromRow, type IdpConnection } from './connections.js'
import { bool, readList } from './internal.js'
import { type IdpUser, userFromRow } from './users.js'

/** An application as a token exchange needs it (its aliases are not read). */
export type IdpExchangeApplication = Omit<IdpApplication, 'aliases'>

/** What `audience` names, seen from one client. */
export interface IdpExchangeTarget {
  application: IdpExchangeApplication
  /** The resources the application governs, by URI. */
  resources: IdpResource[]
  /** The client's managed connection for each resource that has one, by resource URI (enabled or not). */
  connections: Map<string, IdpConnection>
  /** The client's `client_id` at this RAS, if mapped. */
  rasClientId: string | undefined
}

/** The subject of a token exchange as the directory knows them now. */
export interface IdpExchangeSubject {
  user: IdpUser
  /** Ids of the groups the user belongs to. */
  groupIds: string[]
}

/** What {@link IdpExchangeReads.rows} reads: the client always; the rest when named. */
export interface IdpExchangeRowsKey {
  clientId: string
  /** The subject's user id. It may come from a token not yet verified: it only chooses what to read. */
  userId?: string | undefined
  /** The `audience` of the request. */
  audience?: string | undefined
  /** The purpose of the signing key to read (the IdP's: `idp`). */
  keyPurpose: string
  /** Epoch ms at which blocks are judged (default the store's clock). */
  now?: number | undefined
}

/** The rows of one token exchange, read together. */
export interface IdpExchangeRows {
  readonly key: Readonly<IdpExchangeRowsKey>
  /** The client and its secret hash (as `clients.withSecretHash`); undefined when no client has this id. */
  readonly client: { client: IdpClient; secretHash: string | null } | undefined
  /**
   * True when these rows are those of (client, user, audience): the client exists and the key named exactly these.
   * The caller uses `subject`, `target`, `block` and `signingKey` only then, and reads again otherwise.
   */
  covers(clientId: string, userId: string, audience: string): boolean
  /** As `subject(userId)` returns it. */
  readonly subject: IdpExchangeSubject | undefined
  /** As `target(audience, clientId)` returns it. */
  readonly target: IdpExchangeTarget | undefined
  /**
   * The first block in force at `key.now` on the user, the client, the target application, or the user on the
   * client's connection to `resource` (a user's own revocation); undefined when none, null when `resource` is not
   * one the target governs (not read).
   */
  block(resource: string): Pick<IdpBlock, 'id' | 'kind'> | undefined | null
  /** The current signing key of `key.keyPurpose`, decrypted; undefined when there is none (or it was not read). */
  signingKey(): Promise<CurrentSigningKey> | undefined
}

/** Combined reads for the token-exchange grant. */
export interface IdpExchangeReads {
  /**
   * One query for the client, the subject, the target, the blocks in force and the current signing key.
   * @example const rows = await store.idp.exchange.rows({ clientId, userId, audience, keyPurpose: 'idp' })
   */
  rows(key: IdpExchangeRowsKey): Promise<IdpExchangeRows>
  /** The application whose issuer or alias is `audience`, with everything `clientId` may reach there. */
  target(audience: string, clientId: string): Promise<IdpExchangeTarget | undefined>
  /** The user and their groups; undefined when not in the directory. */
  subject(userId: string): Promise<IdpExchangeSubject | undefined>
}

type Row = Record<string, unknown>

function targetFromRows(dialect: SqlDialect, rows: Row[], clientId: string): IdpExchangeTarget | undefined {
  const first = rows[0]
  if (first === undefined || first.app_id === null) return undefined
  const application: IdpExchangeApplication = {
    id: first.app_id as string,
    name: first.app_name as string,
    issuer: first.issuer as string,
    includeEmail: bool(first.include_email),
    createdAt: Number(first.app_created_at),
    updatedAt: Number(first.app_updated_at),
  }
  const resources: IdpResource[] = []
  const connections = new Map<string, IdpConnection>()
  for (const row of rows) {
    if (row.uri === null) continue
    const uri = row.uri as string
    resources.push({
      applicationId: application.id,
      uri,
      name: row.res_name as string | null,
      scopes: readList(dialect, row.res_scopes),
    })
    if (row.c_id === null) continue
    connections.set(
      uri,
      connectionFromRow(dialect, {
        id: row.c_id as string,
        client_id: clientId,
        application_id: application.id,
        resource: uri,
        groups: row.c_groups as string,
        scopes: row.c_scopes as string,
        enabled: row.c_enabled as number,
        max_auth_age: row.max_auth_age as number | null,
        consent_granted_by: row.consent_granted_by as string,
        consent_granted_at: row.consent_granted_at as number,
        created_at: row.c_created_at as number,
        updated_at: row.c_updated_at as number,
      }),
    )
  }
  return { application, resources, connections, rasClientId: (first.ras_client_id as string | null) ?? undefined }
}

// The target's columns, as `targetFromRows` reads them (a application, r resource, c connection, m mapping).
const TARGET_COLUMNS = [
  'a.id as app_id',
  'a.name as app_name',
  'a.issuer',
  'a.include_email',
  'a.created_at as app_created_at',
  'a.updated_at as app_updated_at',
  'r.uri',
  'r.name as res_name',
  'r.scopes as res_scopes',
  'c.id as c_id',
  'c.groups as c_groups',
  'c.scopes as c_scopes',
  'c.enabled as c_enabled',
  'c.max_auth_age',
  'c.consent_granted_by',
  'c.consent_granted_at',
  'c.created_at as c_created_at',
  'c.updated_at as c_updated_at',
  'm.ras_client_id',
] as const

// The client's, the user's and the signing key's columns in `rows`, prefixed with their alias.
const PREFIXED = {
  cl: [
    'client_id',
    'name',
    'secret_hash',
    'jwks',
    'token_endpoint_auth_method',
    'application_type',
    'redirect_uris',
    'post_logout_redirect_uris',
    'grant_types',
    'first_party',
    'enabled',
    'created_at',
    'updated_at',
  ],
  u: [
    'id',
    'username',
    'email',
    'email_verified',
    'name',
    'password_hash',
    'status',
    'roles',
    'created_at',
    'updated_at',
  ],
  k: ['kid', 'purpose', 'alg', 'public_jwk', 'private_key'],
} as const

function rowsSelectList(): RawBuilder<unknown> {
  const columns: string[] = [...TARGET_COLUMNS]
  for (const [alias, names] of Object.entries(PREFIXED)) {
    for (const name of names) columns.push(`${alias}.${name} as ${alias}__${name}`)
  }
  return sql.raw(columns.join(', '))
}

/** The columns of one alias, without the prefix; undefined when the outer join found nothing. */
function part<T>(row: Row, alias: keyof typeof PREFIXED, key: string): Selectable<T> | undefined {
  if (row[`${alias}__${key}`] === null || row[`${alias}__${key}`] === undefined) return undefined
  const out: Row = {}
  for (const name of PREFIXED[alias]) out[name] = row[`${alias}__${name}`]
  return out as Selectable<T>
}

/** Builds the combined token-exchange reads over a context. */
export function createIdpExchangeReads(context: RepositoryContext): IdpExchangeReads {
  const { db, dialect, clock, signingKeys } = context
  // The ids of the user's groups as one JSON array (text): one row per resource, not per (resource, group).
  const groups =
    dialect === 'sqlite'
      ? sql`(select json_group_array(g.group_id) from idp_membership g where g.user_id = u.id)`
      : sql`(select json_agg(g.group_id)::text from idp_membership g where g.user_id = u.id)`
  const selectList = rowsSelectList()
  // Outer joins from the client: one row per resource of the application (at least one when the client exists).
  // Issuers and aliases share one namespace (applications.ts), so at most one application matches. The signing key is
  // chosen as `keys.current` chooses it (keys/store.ts): the latest activated key not yet retired, so a published next
  // key does not sign before its time. The block is the first in force on any of the exchange's targets, per resource
  // (a user's revocation names the connection), as `blocks.activeFor` reads.
  const rowsQuery = prepareQuery<Row>(db, 5, (db, clientId, userId, audience, purpose, now) => {
    const raw = sql<Row>`select ${selectList}, ${groups} as u__groups,
      (select b.kind || ':' || b.id from idp_block b
        where (b.until_at is null or b.until_at > ${now})
          and ((b.kind = 'user' and b.target = ${userId}) or (b.kind = 'client' and b.target = cl.client_id)
            or (b.kind = 'application' and b.target = a.id)
            or (b.kind = 'user_connection' and b.target = c.id || ':' || ${userId}))
        order by b.created_at, b.id limit 1) as block
      from idp_client cl
      left join idp_user u on u.id = ${userId}
      left join idp_application a on a.issuer = ${audience}
        or a.id in (select s.application_id from idp_application_alias s where s.alias = ${audience})
      left join idp_resource r on r.application_id = a.id
      left join idp_connection c on c.application_id = a.id and c.resource = r.uri and c.client_id = cl.client_id
      left join idp_application_client m on m.application_id = a.id and m.client_id = cl.client_id
      left join signing_key k on k.kid = (select s.kid from signing_key s
        where s.purpose = ${purpose} and s.activate_at <= ${now} and (s.retire_at is null or s.retire_at > ${now})
        order by s.activate_at desc, case when s.retire_at is null then 0 else 1 end, s.created_at desc, s.kid limit 1)
      where cl.client_id = ${clientId}
      order by r.uri`
    return { compile: () => raw.compile(db) }
  })
  // Issuers and aliases share one namespace (applications.ts), so at most one application matches.
  const target = prepareQuery(db, 2, (db, audience, clientId) =>
    db
      .selectFrom('idp_application as a')
      .leftJoin('idp_resource as r', 'r.application_id', 'a.id')
      .leftJoin('idp_connection as c', (join) =>
        join.onRef('c.application_id', '=', 'a.id').onRef('c.resource', '=', 'r.uri').on('c.client_id', '=', clientId!),
      )
      .leftJoin('idp_application_client as m', (join) =>
        join.onRef('m.application_id', '=', 'a.id').on('m.client_id', '=', clientId!),
      )
      .select(TARGET_COLUMNS)
      .where((eb) =>
        eb.or([
          eb('a.issuer', '=', audience!),
          eb(
            'a.id',
            'in',
            eb.selectFrom('idp_application_alias').select('application_id').where('alias', '=', audience!),
          ),
        ]),
      )
      .orderBy('r.uri'),
  )
  const subject = prepareQuery(db, 1, (db, userId) =>
    db
      .selectFrom('idp_user as u')
      .leftJoin('idp_membership as g', 'g.user_id', 'u.id')
      .selectAll('u')
      .select('g.group_id')
      .where('u.id', '=', userId!),
  )
  return {
    async rows(key) {
      const now = key.now ?? nowMs(clock)
      const rows = await rowsQuery(key.clientId, key.userId ?? null, key.audience ?? null, key.keyPurpose, now)
      const first = rows[0]
      const clientRow = first && part<IdpClientTable>(first, 'cl', 'client_id')
      const client = clientRow && { client: clientFromRow(dialect, clientRow), secretHash: clientRow.secret_hash }
      const userRow = first && part<IdpUserTable>(first, 'u', 'id')
      const subject = userRow && {
        user: userFromRow(dialect, userRow),
        // JSON text on both dialects (PostgreSQL's json_agg is cast to text): parsed as SQLite's JSON columns are.
        groupIds: readList('sqlite', first.u__groups ?? '[]'),
      }
      const target = client && targetFromRows(dialect, rows, key.clientId)
      const keyRow = first && part<CurrentKeyRow>(first, 'k', 'kid')
      const blocks = new Map<string, Pick<IdpBlock, 'id' | 'kind'> | undefined>()
      for (const row of rows) {
        if (row.uri === null || row.uri === undefined) continue
        const found = row.block as string | null
        const at = found === null ? -1 : found.indexOf(':')
        blocks.set(
          row.uri as string,
          found === null ? undefined : { kind: found.slice(0, at) as IdpBlock['kind'], id: found.slice(at + 1) },
        )
      }
      return {
        key: Object.freeze({ ...key, now }),
        client,
        covers: (clientId, userId, audience) =>
          client !== undefined && clientId === key.clientId && userId === key.userId && audience === key.audience,
        subject,
        target,
        block: (resource) => (blocks.has(resource) ? blocks.get(resource) : null),
        signingKey: () =>
          keyRow === undefined || signingKeys === undefined ? undefined : signingKeys.open(dialect, keyRow),
      }
    },
    async target(audience, clientId) {
      return targetFromRows(dialect, (await target(audience, clientId)) as Row[], clientId)
    },
    async subject(userId) {
      const rows = await subject(userId)
      const first = rows[0]
      if (first === undefined) return undefined
      const groupIds = rows.flatMap((r) => (r.group_id === null ? [] : [r.group_id]))
      return { user: userFromRow(dialect, first), groupIds }
    },
  }
}
