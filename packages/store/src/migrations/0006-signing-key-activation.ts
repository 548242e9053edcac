/**
 * `signing_key.activate_at`: a key is published at once but signs only from this time (epoch ms). Verifiers cache
 * the JWKS and refetch on an unknown `kid` at most once per cooldown (30 s in jose and in protocol's JWKS cache);
 * publishing the next key before it signs means every verifier already holds it when the first token arrives.
 * Existing rows get 0: they sign exactly as before.
 */
import type { Migration } from './migration.js'

export const migration0006: Migration = {
  name: '0006-signing-key-activation',
  async up(db, { types }) {
    await db.schema
      .alterTable('signing_key')
      .addColumn('activate_at', types.timestamp, (c) => c.notNull().defaultTo(0))
      .execute()
  },
}
