/**
 * The enterprise IdP's tables (prefix `idp_`): directory (users, groups, memberships), OIDC clients, resource
 * applications with their resources, aliases and per-client ids, managed connections, blocks and admin API keys.
 * Also adds `oidc_model.account_id`, filled by the adapter, so that disabling a user can revoke every session, grant
 * and token of theirs in one statement.
 */
import { sql } from 'kysely'
import type { Migration } from './migration.js'

export const migration0002: Migration = {
  name: '0002-idp',
  async up(db, { types }) {
    await db.schema
      .createTable('idp_user')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text')
      .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('name', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
      .addColumn('roles', types.json, (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()
    await db.schema.createIndex('idp_user_email').on('idp_user').column('email').execute()

    await db.schema
      .createTable('idp_group')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('idp_membership')
      .addColumn('group_id', 'text', (c) => c.notNull().references('idp_group.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('idp_user.id').onDelete('cascade'))
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('idp_membership_pk', ['group_id', 'user_id'])
      .execute()
    await db.schema.createIndex('idp_membership_user').on('idp_membership').column('user_id').execute()

    await db.schema
      .createTable('idp_client')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('jwks', types.json)
      .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
      .addColumn('application_type', 'text', (c) => c.notNull())
      .addColumn('redirect_uris', types.json, (c) => c.notNull())
      .addColumn('post_logout_redirect_uris', types.json, (c) => c.notNull())
      .addColumn('grant_types', types.json, (c) => c.notNull())
      .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('idp_application')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull().unique())
      .addColumn('include_email', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()
    // One namespace for audiences: an alias is unique across applications (issuers are checked against it in code).
    await db.schema
      .createTable('idp_application_alias')
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('application_id', 'text', (c) => c.notNull().references('idp_application.id').onDelete('cascade'))
      .execute()
    await db.schema
      .createTable('idp_resource')
      .addColumn('application_id', 'text', (c) => c.notNull().references('idp_application.id').onDelete('cascade'))
      .addColumn('uri', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('scopes', types.json, (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('idp_resource_pk', ['application_id', 'uri'])
      .execute()
    await db.schema
      .createTable('idp_application_client')
      .addColumn('application_id', 'text', (c) => c.notNull().references('idp_application.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull().references('idp_client.client_id').onDelete('cascade'))
      .addColumn('ras_client_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idp_application_client_pk', ['application_id', 'client_id'])
      .execute()

    await db.schema
      .createTable('idp_connection')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().references('idp_client.client_id').onDelete('cascade'))
      .addColumn('application_id', 'text', (c) => c.notNull().references('idp_application.id').onDelete('cascade'))
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('groups', types.json, (c) => c.notNull())
      .addColumn('scopes', types.json, (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('max_auth_age', 'integer')
      .addColumn('consent_granted_by', 'text', (c) => c.notNull())
      .addColumn('consent_granted_at', types.timestamp, (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .addUniqueConstraint('idp_connection_target', ['client_id', 'application_id', 'resource'])
      .execute()

    await db.schema
      .createTable('idp_block')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'client', 'application')`))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('until_at', types.timestamp)
      .addColumn('reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .execute()
    await db.schema.createIndex('idp_block_target').on('idp_block').columns(['kind', 'target']).execute()

    await db.schema
      .createTable('idp_api_key')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', types.timestamp)
      .execute()

    await db.schema.alterTable('oidc_model').addColumn('account_id', 'text').execute()
    await db.schema.createIndex('oidc_model_account_id').on('oidc_model').column('account_id').execute()
  },
}
