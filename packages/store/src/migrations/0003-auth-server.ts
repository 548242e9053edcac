/**
 * The resource authorization server's tables (prefix `as_`): organizations, their issuer trusts, clients, resources
 * (MCP servers), local accounts and their links to IdP subjects, revoked access tokens, admin API keys.
 * @see ../../../../shared/spec/xaa-protocol.md section 2(d), section 8 decisions 1, 6 and 7
 */
import type { Migration } from './migration.js'

export const migration0003: Migration = {
  name: '0003-auth-server',
  async up(db, { types }) {
    await db.schema
      .createTable('as_organization')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('as_issuer_trust')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('as_organization.id'))
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text')
      // '' when no tenant is pinned, so that (issuer, tenant_key) can be unique on both dialects.
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('jwks_uri', 'text')
      .addColumn('jwks', types.json)
      .addColumn('allowed_client_ids', types.json)
      .addColumn('linking_mode', 'text', (c) => c.notNull())
      .addColumn('email_domains', types.json)
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('metadata_verified_at', types.timestamp)
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()
    // Decision 7: an (issuer, tenant) pair belongs to exactly one organization.
    await db.schema
      .createIndex('as_issuer_trust_issuer_tenant')
      .on('as_issuer_trust')
      .columns(['issuer', 'tenant_key'])
      .unique()
      .execute()
    await db.schema.createIndex('as_issuer_trust_org').on('as_issuer_trust').column('organization_id').execute()

    await db.schema
      .createTable('as_client')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.references('as_organization.id'))
      .addColumn('name', 'text')
      .addColumn('secret_hash', 'text')
      .addColumn('jwks', types.json)
      .addColumn('jwks_uri', 'text')
      .addColumn('auth_methods', types.json, (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('as_resource')
      .addColumn('uri', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', types.json, (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('updated_at', types.timestamp, (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('as_account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('as_organization.id'))
      .addColumn('email', 'text')
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .execute()
    await db.schema.createIndex('as_account_org_email').on('as_account').columns(['organization_id', 'email']).execute()

    await db.schema
      .createTable('as_account_link')
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('tenant_key', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull().references('as_account.id'))
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('as_account_link_pk', ['organization_id', 'issuer', 'tenant_key', 'subject'])
      .execute()

    await db.schema
      .createTable('as_revoked_token')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('exp_at', types.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', types.timestamp, (c) => c.notNull())
      .execute()
    await db.schema.createIndex('as_revoked_token_exp_at').on('as_revoked_token').column('exp_at').execute()

    await db.schema
      .createTable('as_admin_api_key')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', types.timestamp, (c) => c.notNull())
      .addColumn('last_used_at', types.timestamp)
      .addColumn('revoked_at', types.timestamp)
      .execute()
  },
}
