/**
 * `rate_limit_window`: one row per (key, fixed window) with its request count, shared by every replica on the
 * database, so a per-client or per-address limit holds across a load balancer.
 */
import type { Migration } from './migration.js'

export const migration0005: Migration = {
  name: '0005-rate-limit',
  async up(db, { types }) {
    await db.schema
      .createTable('rate_limit_window')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('window_start', types.timestamp, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_limit_window_pk', ['key', 'window_start'])
      .execute()
    await db.schema.createIndex('rate_limit_window_start').on('rate_limit_window').column('window_start').execute()
  },
}
