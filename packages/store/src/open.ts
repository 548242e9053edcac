/**
 * `openStore()`: one call opens the configured database, brings its schema up to date and hands back the
 * repositories every OpenXAA server uses.
 * @see architecture.md "Layering", "Scaling out"
 */
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { AuditLog } from './audit/event.js'
import { createAuditLog } from './audit/log.js'
import { type AuthServerRepositories, createAuthServerRepositories } from './auth-server/repositories.js'
import { VerifiedSecretCache } from './auth-server/secret-cache.js'
import { type Clock, nowMs } from './clock.js'
import { createIdpRepositories, type IdpRepositories } from './idp/index.js'
import { connect } from './internal/connect.js'
import { PurgeSchedule, type RepositoryContext } from './internal/context.js'
import { KEY_ENCRYPTION_KEY_ENV, type Kek, resolveKek } from './keys/kek.js'
import { createKeyStore, createSigningKeyOpener, type KeyStore } from './keys/store.js'
import { migrations as defaultMigrations } from './migrations/index.js'
import type { Migration } from './migrations/migration.js'
import { type MigrationResult, runMigrations } from './migrations/runner.js'
import { createOidcModelStore, type OidcAdapterFactory, type OidcModelStore } from './oidc/adapter.js'
import { createRateLimitRepository, type RateLimitRepository } from './rate-limit/repository.js'
import { createReplayRepository, type ReplayRepository, type ReplayStoreOptions } from './replay/store.js'
import type { Database, SqlDialect } from './schema.js'
import { DATABASE_URL_ENV, type DatabaseTarget, DEFAULT_DATABASE_URL, parseDatabaseUrl } from './url.js'

/** Options of {@link openStore}; every one has a safe default. */
export interface StoreOptions {
  /** Database URL; default `OPENXAA_DATABASE_URL`, else `sqlite:./data/openxaa.db`. */
  url?: string
  /** KEK for private keys (base64url of 32 bytes, or the bytes); default `OPENXAA_KEY_ENCRYPTION_KEY`, else a file. */
  keyEncryptionKey?: string | Uint8Array
  /** Where the KEK file lives when neither option nor environment gives one; default `OPENXAA_DATA_DIR` or `./data`. */
  dataDir?: string
  /** Injected time, epoch ms or Date (default `Date.now`). */
  clock?: Clock
  /** Apply pending migrations on open (default true). With false, call `store.migrate()` or the CLI. */
  migrate?: boolean
  /** PostgreSQL only: the schema to work in (search_path); it must exist. */
  schema?: string
  /** PostgreSQL only: pool size (default 10). */
  maxConnections?: number
  /**
   * PostgreSQL only: how long a query waits for a connection (a new one to an unreachable server, or a free one from
   * a full pool) before it fails as the database being unavailable; default 10 000 ms. Without it a request could
   * wait for a server that silently dropped off the network for as long as TCP takes to give up (minutes).
   */
  connectTimeoutMs?: number
  /**
   * PostgreSQL only: run repeated statements as named prepared statements, parsed once per connection (default
   * true; else `OPENXAA_DATABASE_NAMED_STATEMENTS`, `false` or `off` to switch off). Switch off behind a pooler that
   * cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  namedStatements?: boolean
  /** Replay store tuning. */
  replay?: ReplayStoreOptions
  /** The migration list; default the one this release ships. Tests and later releases append, never edit. */
  migrations?: readonly Migration[]
  /** Environment to read settings from (default `process.env`). */
  env?: Record<string, string | undefined>
}

/** The repositories that can take part in a caller's transaction. */
export interface StoreTransaction {
  /** The transaction itself, for queries of tables a server owns. */
  db: Kysely<Database>
  replay: ReplayRepository
  audit: AuditLog
  /** The resource authorization server's tables (`as_*`). */
  authServer: AuthServerRepositories
  /** The enterprise IdP's tables, inside the transaction. */
  idp: IdpRepositories
}

/**
 * An open store. Stateless beyond its pool: any number of replicas may share one PostgreSQL database.
 * @see ../README.md
 */
export interface Store {
  /** Kysely over the schema of `Database`. */
  readonly db: Kysely<Database>
  /** The SQL dialect; PGlite reports `postgres`. */
  readonly dialect: SqlDialect
  /** The backend behind the dialect. */
  readonly backend: DatabaseTarget['backend']
  /** Applies pending migrations (idempotent; safe across replicas). */
  migrate(): Promise<MigrationResult>
  /** Closes the pool or file. */
  close(): Promise<void>
  /** Runs `fn` in one transaction: all its writes commit together or none does (SQLite: BEGIN IMMEDIATE). */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>
  replay: ReplayRepository
  audit: AuditLog
  /** The resource authorization server's tables (`as_*`). */
  authServer: AuthServerRepositories
  /** The enterprise IdP's directory, clients, applications, connections, blocks and API keys. */
  idp: IdpRepositories
  keys: KeyStore
  /** Fixed-window request counters shared by every replica (rate limits). */
  rateLimits: RateLimitRepository
  /** oidc-provider models; `oidcAdapter` is its `adapter` factory. */
  oidc: OidcModelStore
  /** `new Provider(issuer, { adapter: store.oidcAdapter })`. */
  oidcAdapter: OidcAdapterFactory
}

/**
 * Opens the store the URL names, and migrates it unless `migrate: false`. A bad URL is a `TypeError` naming the
 * setting it came from.
 * @example const store = await openStore() // sqlite:./data/openxaa.db, migrated
 * @example const store = await openStore({ url: 'postgres://app@db/openxaa' })
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const env = options.env ?? process.env
  const fromOption = options.url !== undefined
  const url = options.url ?? env[DATABASE_URL_ENV] ?? DEFAULT_DATABASE_URL
  const target = parseDatabaseUrl(url, fromOption ? 'options.url' : DATABASE_URL_ENV)
  if (options.schema !== undefined && target.backend !== 'postgres') {
    throw new TypeError('options.schema applies to a postgres:// database only')
  }
  const timeout = options.connectTimeoutMs
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1)) {
    throw new TypeError('options.connectTimeoutMs must be a positive integer (milliseconds)')
  }
  const clock: Clock = options.clock ?? Date.now
  if (typeof clock !== 'function') throw new TypeError('options.clock must be a function')
  const list = options.migrations ?? defaultMigrations
  const dataDir = options.dataDir ?? env.OPENXAA_DATA_DIR ?? join('.', 'data')
  // A malformed KEK setting fails now, not at the first signature.
  let kekPromise: Promise<Kek> | undefined
  if (options.keyEncryptionKey !== undefined || env[KEY_ENCRYPTION_KEY_ENV]) {
    kekPromise = resolveKek({ option: options.keyEncryptionKey, env: env[KEY_ENCRYPTION_KEY_ENV], dataDir })
    await kekPromise
  }
  const kek = () => {
    kekPromise ??= resolveKek({ dataDir })
    // A failed file read is not cached: fixing the file must not need a restart.
    return kekPromise.catch((err) => {
      kekPromise = undefined
      throw err
    })
  }

  const { db, dialect, backend } = await connect(target, {
    schema: options.schema,
    maxConnections: options.maxConnections,
    connectTimeoutMs: options.connectTimeoutMs,
    namedStatements:
      options.namedStatements ?? !['false', 'off', '0'].includes(env.OPENXAA_DATABASE_NAMED_STATEMENTS ?? ''),
  })
  const replaySchedule = new PurgeSchedule((options.replay?.purgeIntervalSeconds ?? 60) * 1000)
  const oidcSchedule = new PurgeSchedule(60_000)
  const verifiedSecrets = new VerifiedSecretCache({ clock })
  const signingKeys = createSigningKeyOpener(kek)
  const repositories = (executor: Kysely<Database>) => {
    const context: RepositoryContext = { db: executor, dialect, clock, verifiedSecrets, signingKeys }
    return {
      replay: createReplayRepository(context, options.replay, replaySchedule),
      audit: createAuditLog(context),
      authServer: createAuthServerRepositories(context),
      idp: createIdpRepositories(context),
    }
  }
  const context: RepositoryContext = { db, dialect, clock }
  const oidc = createOidcModelStore(context, oidcSchedule)
  const store: Store = {
    db,
    dialect,
    backend,
    migrate: () => runMigrations(db, dialect, list, nowMs(clock)),
    close: () => db.destroy(),
    transaction: (fn) => db.transaction().execute((trx) => fn({ db: trx, ...repositories(trx) })),
    ...repositories(db),
    keys: createKeyStore(context, kek, signingKeys),
    rateLimits: createRateLimitRepository(context),
    oidc,
    oidcAdapter: oidc.adapter,
  }
  if (options.migrate !== false) {
    try {
      await store.migrate()
    } catch (err) {
      await db.destroy().catch(() => {})
      throw err
    }
  }
  return store
}
