/** The first schema: replay store, audit log, signing keys, oidc-provider models. */
import { sql } from 'kysely'
import type { Migration } from './migration.js'

export const migration0001: Migration = {
  name: '0001-initial',
  async up(db, { dialect, types }) {
    await db.schema
      .createTable('replay_jti')
      .addColumn('iss', 'text', (c) => c.notNull())
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('exp_at', types.timestamp, (c) => c.notNull())
      .addColumn('used_at', types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('replay_jti_pk', ['iss', 'jti'])
      .execute()
    await db.schema.createIndex('replay_jti_exp_at').on('replay_jti').column('exp_at').execute()

    let audit = db.schema.createTable('audit_event')
    audit =
      dialect === 'postgres'
        ? audit.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        : audit.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    await audit
      .addColumn('at', types.timestamp, (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('allow', 'deny', 'change', 'info')`))
      .addColumn('reason', 'text')
      .addColumn('rule', 'text')
      .addColumn('detail', 'text')
      .addColumn('user_id', 'text')
      .addColumn('subject', 'text')
      .addColumn('client_id', 'text')
      .addColumn('resource', 'text')
      .addColumn('audience', 'text')
      .addColumn('issuer', 'text')
      .addColumn('organization', 'text')
      .addColumn('tenant', 'text')
      .addColumn('request_id', 'text')
      .addColumn('data', types.json)
      .addColumn('redacted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    // Newest-first paging walks (at, id); the filters an admin uses most get their own (column, at, id) index.
    await db.schema.createIndex('audit_event_at').on('audit_event').columns(['at', 'id']).execute()
    for (const column of ['user_id', 'client_id', 'audience', 'action']) {
      await db.schema.createIndex(`audit_event_${column}_at`).on('audit_event').columns([column, 'at', 'id']).execute()
    }
    // Append-only in the database too: an UPDATE fails whoever sends it. Retention deletes by age stay possible.
    if (dialect === 'postgres') {
      await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit events are append-only'; end $$`.execute(db)
      await sql`create trigger audit_event_no_update before update on audit_event
        for each row execute function audit_event_append_only()`.execute(db)
    } else {
      await sql`create trigger audit_event_no_update before update on audit_event
        begin select raise(abort, 'audit events are append-only'); end`.execute(db)
    }

    await db.schema
      .createTable('signing_key')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('public_jwk', types.json, (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('retire_at', types.timestamp)
      .execute()
    // At most one current key per purpose, whichever replica creates or rotates it.
    await db.schema
      .createIndex('signing_key_one_current')
      .on('signing_key')
      .column('purpose')
      .unique()
      .where(sql.ref('retire_at'), 'is', null)
      .execute()
    await db.schema.createIndex('signing_key_purpose').on('signing_key').columns(['purpose', 'created_at']).execute()

    await db.schema
      .createTable('oidc_model')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('payload', types.json, (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('user_code', 'text')
      .addColumn('uid', 'text')
      .addColumn('expires_at', types.timestamp)
      .addColumn('consumed_at', types.timestamp)
      .addPrimaryKeyConstraint('oidc_model_pk', ['model', 'id'])
      .execute()
    await db.schema.createIndex('oidc_model_grant_id').on('oidc_model').columns(['model', 'grant_id']).execute()
    await db.schema.createIndex('oidc_model_user_code').on('oidc_model').columns(['model', 'user_code']).execute()
    await db.schema.createIndex('oidc_model_uid').on('oidc_model').columns(['model', 'uid']).execute()
    await db.schema.createIndex('oidc_model_expires_at').on('oidc_model').column('expires_at').execute()
  },
}
