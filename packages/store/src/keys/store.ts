/**
 * Signing keys per purpose (`idp`, `as`, …): one current key signs; after a rotation the previous key stays in the
 * published JWKS until its last token has expired. Private keys are AES-256-GCM encrypted at rest. Every call reads
 * the database, so a rotation through one replica is seen by all.
 * @see architecture.md "Signing keys", spec/xaa-protocol.md #28
 */
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { type Selectable, sql } from 'kysely'
import { nowMs, resolveNow } from '../clock.js'
import { StoreError } from '../errors.js'
import { inTransaction, type RepositoryContext } from '../internal/context.js'
import { fromJson, toJson } from '../internal/json.js'
import { prepareQuery } from '../internal/prepared.js'
import type { SigningKeyTable, SqlDialect } from '../schema.js'
import { openPrivateKey, sealPrivateKey } from './envelope.js'
import { generateSigningKey, isSigningAlgorithm, type PublicJwk, type SigningAlgorithm } from './generate.js'
import type { Kek } from './kek.js'

/** The key that signs now. */
export interface CurrentSigningKey {
  kid: string
  alg: SigningAlgorithm
  /** Node's KeyObject: jose's `SignJWT#sign` takes it as is. */
  privateKey: KeyObject
  publicJwk: PublicJwk
}

/** A key as an admin sees it: no private material. */
export interface SigningKeyInfo {
  kid: string
  purpose: string
  alg: SigningAlgorithm
  /** `current` signs; `previous` is still published; `retired` is no longer published. */
  status: 'current' | 'previous' | 'retired'
  createdAt: number
  /** When a rotated-out key leaves the JWKS (epoch ms); null while current. */
  retireAt: number | null
  publicJwk: PublicJwk
}

/** Options of {@link KeyStore.rotate}. */
export interface RotateOptions {
  /** How long the outgoing key stays published: at least the lifetime of the longest token it signed. */
  retireAfterSeconds: number
  /** Algorithm of the new key (default: the outgoing key's). */
  alg?: SigningAlgorithm
}

/** The key store. */
export interface KeyStore {
  /** Creates a current key for `purpose` unless one exists; safe when replicas race. */
  ensure(purpose: string, options?: { alg?: SigningAlgorithm }): Promise<SigningKeyInfo>
  /** The current key of `purpose`, decrypted; a {@link StoreError} `ERR_STORE_NO_SIGNING_KEY` when none exists. */
  current(purpose: string): Promise<CurrentSigningKey>
  /** Makes a new current key in one transaction; the previous one stays published for `retireAfterSeconds`. */
  rotate(purpose: string, options: RotateOptions): Promise<SigningKeyInfo>
  /** The JWKS to publish at `now`: the current key first, then rotated-out keys not yet retired. */
  publicJwks(purpose: string, now?: number | Date): Promise<{ keys: PublicJwk[] }>
  /** Every key of `purpose`, newest first, for admin display. */
  list(purpose: string, now?: number | Date): Promise<SigningKeyInfo[]>
}

/** The current key first, then the most recently rotated out: NULL ordering differs between the dialects. */
const newestFirst = sql<number>`case when retire_at is null then 0 else 1 end`

const PURPOSE = /^[a-z0-9][a-z0-9_.-]{0,63}$/

function checkPurpose(purpose: unknown): asserts purpose is string {
  if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) {
    throw new TypeError('key purpose must be a short lower-case name such as "idp" or "as"')
  }
}

/** The columns of a current key row that {@link SigningKeyOpener} needs. */
export type CurrentKeyRow = Pick<Selectable<SigningKeyTable>, 'kid' | 'purpose' | 'alg' | 'public_jwk' | 'private_key'>

/** Turns a current key row into its decrypted key; one per store, shared by every reader of key rows. */
export interface SigningKeyOpener {
  open(dialect: SqlDialect, row: CurrentKeyRow): Promise<CurrentSigningKey>
  /** Keeps a key this process generated, so that its first signature does not decrypt it. */
  remember(row: Pick<CurrentKeyRow, 'purpose' | 'kid' | 'private_key'>, privateKey: KeyObject): void
}

/** Builds the opener: decrypted keys are kept, so a key is decrypted once per process, not once per signature. */
export function createSigningKeyOpener(kek: () => Promise<Kek>): SigningKeyOpener {
  // Decrypted keys by the whole row identity (purpose, kid, envelope), not kid alone: a row altered or swapped behind
  // our back is a cache miss, and then fails its integrity check. Only private keys are kept here, never which key
  // is current: that is read from the database on every signature.
  const decrypted = new Map<string, KeyObject>()
  const cacheKey = (purpose: string, kid: string, envelope: string) => `${purpose}\0${kid}\0${envelope}`
  return {
    async open(dialect, row) {
      const cached = cacheKey(row.purpose, row.kid, row.private_key)
      let privateKey = decrypted.get(cached)
      if (!privateKey) {
        const der = openPrivateKey(await kek(), row.purpose, row.kid, row.private_key)
        privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
        decrypted.set(cached, privateKey)
      }
      return {
        kid: row.kid,
        alg: row.alg as SigningAlgorithm,
        privateKey,
        publicJwk: fromJson<PublicJwk>(dialect, row.public_jwk),
      }
    },
    remember(row, privateKey) {
      decrypted.set(cacheKey(row.purpose, row.kid, row.private_key), privateKey)
    },
  }
}

/** Builds the key store; `kek` is resolved on first use so stores that never sign never create a KEK file. */
export function createKeyStore(
  context: RepositoryContext,
  kek: () => Promise<Kek>,
  opener: SigningKeyOpener = createSigningKeyOpener(kek),
): KeyStore {
  const { db, dialect, clock } = context

  function info(row: Selectable<SigningKeyTable>, now: number): SigningKeyInfo {
    const status = row.retire_at === null ? 'current' : row.retire_at > now ? 'previous' : 'retired'
    return {
      kid: row.kid,
      purpose: row.purpose,
      alg: row.alg as SigningAlgorithm,
      status,
      createdAt: Number(row.created_at),
      retireAt: row.retire_at === null ? null : Number(row.retire_at),
      publicJwk: fromJson<PublicJwk>(dialect, row.public_jwk),
    }
  }

  // Every issued token reads the current key (a rotation on another replica is seen at once): compiled once.
  const currentQuery = prepareQuery(db, 1, (db, purpose) =>
    db.selectFrom('signing_key').selectAll().where('purpose', '=', purpose!).where('retire_at', 'is', null),
  )
  async function currentRow(purpose: string) {
    return (await currentQuery(purpose))[0]
  }

  async function newRow(purpose: string, alg: SigningAlgorithm, now: number) {
    const key = await generateSigningKey(alg)
    const sealed = sealPrivateKey(await kek(), purpose, key.kid, key.privateDer)
    opener.remember({ purpose, kid: key.kid, private_key: sealed }, key.privateKey)
    return {
      kid: key.kid,
      purpose,
      alg,
      public_jwk: toJson(key.publicJwk),
      private_key: sealed,
      created_at: now,
      retire_at: null,
    }
  }

  function checkAlg(alg: unknown): SigningAlgorithm {
    if (alg === undefined) return 'ES256'
    if (!isSigningAlgorithm(alg)) throw new TypeError('key alg must be one of ES256, ES384, RS256, PS256, EdDSA')
    return alg
  }

  return {
    async ensure(purpose, options = {}) {
      checkPurpose(purpose)
      const alg = checkAlg(options.alg)
      const existing = await currentRow(purpose)
      if (existing) return info(existing, nowMs(clock))
      const now = nowMs(clock)
      // The partial unique index (one current key per purpose) settles a race between replicas: the loser's row is
      // dropped and everyone reads the winner's.
      await db
        .insertInto('signing_key')
        .values(await newRow(purpose, alg, now))
        .onConflict((oc) => oc.column('purpose').where('retire_at', 'is', null).doNothing())
        .execute()
      const row = await currentRow(purpose)
      if (!row) throw new Error(`no current signing key for ${purpose} after creating one`)
      return info(row, now)
    },

    async current(purpose) {
      checkPurpose(purpose)
      const row = await currentRow(purpose)
      if (!row) {
        throw new StoreError('ERR_STORE_NO_SIGNING_KEY', `no signing key for purpose "${purpose}": call keys.ensure()`)
      }
      return opener.open(dialect, row)
    },

    async rotate(purpose, options) {
      checkPurpose(purpose)
      const retireAfter = options?.retireAfterSeconds
      if (typeof retireAfter !== 'number' || !Number.isFinite(retireAfter) || retireAfter < 0) {
        throw new TypeError('rotate options.retireAfterSeconds must be a number of seconds >= 0')
      }
      const requested = options.alg === undefined ? undefined : checkAlg(options.alg)
      const outgoing = await currentRow(purpose)
      const now = nowMs(clock)
      // Key generation (RSA takes a while) happens before the transaction, which then only swaps rows.
      const row = await newRow(purpose, requested ?? (outgoing?.alg as SigningAlgorithm | undefined) ?? 'ES256', now)
      await inTransaction(db, async (trx) => {
        if (dialect === 'postgres') {
          // Two rotations at once run one after the other (SQLite's BEGIN IMMEDIATE already serialises writers).
          await sql`select pg_advisory_xact_lock(hashtext('openxaa.keys:' || ${purpose}))`.execute(trx)
        }
        await trx
          .updateTable('signing_key')
          .set({ retire_at: now + Math.round(retireAfter * 1000) })
          .where('purpose', '=', purpose)
          .where('retire_at', 'is', null)
          .execute()
        await trx.insertInto('signing_key').values(row).execute()
      })
      const stored = await db.selectFrom('signing_key').selectAll().where('kid', '=', row.kid).executeTakeFirstOrThrow()
      return info(stored, now)
    },

    async publicJwks(purpose, now) {
      checkPurpose(purpose)
      const at = resolveNow(clock, now)
      const rows = await db
        .selectFrom('signing_key')
        .select(['public_jwk', 'retire_at'])
        .where('purpose', '=', purpose)
        .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', at)]))
        .orderBy(newestFirst)
        .orderBy('retire_at', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute()
      return { keys: rows.map((r) => fromJson<PublicJwk>(dialect, r.public_jwk)) }
    },

    async list(purpose, now) {
      checkPurpose(purpose)
      const at = resolveNow(clock, now)
      const rows = await db
        .selectFrom('signing_key')
        .selectAll()
        .where('purpose', '=', purpose)
        .orderBy(newestFirst)
        .orderBy('retire_at', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute()
      return rows.map((row) => info(row, at))
    },
  }
}
