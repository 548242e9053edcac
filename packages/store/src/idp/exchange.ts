/**
 * The reads of one token exchange, in two queries instead of nine: the target (application by issuer or alias, the
 * resources it governs, the client's managed connection to each, the client's id at that RAS) and the subject (the
 * user and the ids of their groups). Every row is read fresh: nothing here is cached, so that disabling a user, a
 * connection or a client stops issuance at once on every replica.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) steps 2, 4, 5, 10; section 8.3
 */
import type { RepositoryContext } from '../internal/context.js'
import { prepareQuery } from '../internal/prepared.js'
import type { SqlDialect } from '../schema.js'
import type { IdpApplication, IdpResource } from './applications.js'
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

/** Combined reads for the token-exchange grant. */
export interface IdpExchangeReads {
  /** The application whose issuer or alias is `audience`, with everything `clientId` may reach there. */
  target(audience: string, clientId: string): Promise<IdpExchangeTarget | undefined>
  /** The user and their groups; undefined when not in the directory. */
  subject(userId: string): Promise<IdpExchangeSubject | undefined>
}

type Row = Record<string, unknown>

function targetFromRows(dialect: SqlDialect, rows: Row[], clientId: string): IdpExchangeTarget | undefined {
  const first = rows[0]
  if (first === undefined) return undefined
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

/** Builds the combined token-exchange reads over a context. */
export function createIdpExchangeReads(context: RepositoryContext): IdpExchangeReads {
  const { db, dialect } = context
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
      .select([
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
      ])
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
