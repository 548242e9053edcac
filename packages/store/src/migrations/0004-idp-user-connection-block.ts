/**
 * A fourth kind of IdP block, `user_connection`: one user opts out of one managed connection ("revoke my own" on the
 * employee's console page). The kind is checked by a constraint, which neither dialect can widen in place in a
 * portable way, so the table is rebuilt with its rows and index (forward only, inside the migration transaction).
 */
import { sql } from 'kysely'
import type { Migration } from './migration.js'

export const migration0004: Migration = {
  name: '0004-idp-user-connection-block',
  async up(db, { types }) {
    await db.schema
      .createTable('idp_block_0004')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('user', 'client', 'application', 'user_connection')`),
      )
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('until_at', types.timestamp)
      .addColumn('reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .execute()
    await sql`insert into idp_block_0004 (id, kind, target, until_at, reason, created_by, created_at)
      select id, kind, target, until_at, reason, created_by, created_at from idp_block`.execute(db)
    await db.schema.dropTable('idp_block').execute()
    await db.schema.alterTable('idp_block_0004').renameTo('idp_block').execute()
    await db.schema.createIndex('idp_block_target').on('idp_block').columns(['kind', 'target']).execute()
  },
}
