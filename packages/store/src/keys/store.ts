/**
 * Signing keys per purpose (`idp`, `as`, …): one current key signs. A rotation publishes the next key at once but
 * lets it sign only from its `activate_at`, so that verifiers, which refetch a JWKS on an unknown `kid` at most once
 * per cooldown (30 s in jose), already hold it when its first token arrives; the outgoing key signs until then and
 * stays published until its last token has expired. Private keys are AES-256-GCM encrypted at rest. Every call reads
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
  /**
   * `current` signs; `next` is published and signs from `activateAt`; `previous` is still published but no longer
   * signs; `retired` is no longer published.
   */
  status: 'current' | 'next' | 'previous' | 'retired'
  createdAt: number
  /** When the key starts (or started) signing (epoch ms); 0 for keys made before activation times existed. */
  activateAt: number
  /** When a rotated-out key leaves the JWKS (epoch ms); null while it is the newest key. */
  retireAt: number | null
  publicJwk: PublicJwk
}

/** Options of {@link KeyStore.rotate}. */
export interface RotateOptions {
  /**
   * How long the outgoing key stays published after the new key activates: at least the lifetime of the longest
   * token it signed. Keys rotated out earlier and published longer than that are cut to it.
   */
  retireAfterSeconds: number
  /**
   * How long the new key is published before it signs: more than the JWKS refetch cooldown of verifiers (30 s in
   * jose), so none refuses its first tokens. 0 switches at once (with `retireAfterSeconds: 0`, the emergency rotation
   * of a compromised key: verifiers that fetched the JWKS within their cooldown refuse new tokens until it passes).
   */
  activateAfterSeconds: number
  /** Algorithm of the new key (default: the outgoing key's). */
  alg?: SigningAlgorithm
}

/** The key store. */
export interface KeyStore {
  /** Creates a key for `purpose`, signing at once, unless one exists; safe when replicas race. */
  ensure(purpose: string, options?: { alg?: SigningAlgorithm }): Promise<SigningKeyInfo>
  /**
   * The key of `purpose` that signs at `now` (default: the clock), decrypted; a {@link StoreError}
   * `ERR_STORE_NO_SIGNING_KEY` when none exists.
   */
  current(purpose: string, now?: number | Date): Promise<CurrentSigningKey>
  /**
   * Publishes a new key in one transaction, signing from `activateAfterSeconds`; the outgoing key signs until then
   * and stays published `retireAfterSeconds` more.
   */
  rotate(purpose: string, options: RotateOptions): Promise<SigningKeyInfo>
  /** The JWKS to publish at `now`: the signing key first, then the next key, then rotated-out keys not yet retired. */
  publicJwks(purpose: string, now?: number | Date): Promise<{ keys: PublicJwk[] }>
  /** Every key of `purpose`, newest first, for admin display. */
  list(purpose: string, now?: number | Date): Promise<SigningKeyInfo[]>
}

/** The newest key first, then the most recently rotated out: NULL ordering differs between the dialects. */
const newestFirst = sql<number>`case when retire_at is null then 0 else 1 end`

/** The longest delay `rotate` accepts for either option: 30 days. */
export const MAX_ROTATE_DELAY_SECONDS = 86_400 * 30

function checkDelay(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ROTATE_DELAY_SECONDS) {
    throw new TypeError(`rotate options.${name} must be whole seconds from 0 to ${MAX_ROTATE_DELAY_SECONDS}`)
  }
  return value
}

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

  function info(row: Selectable<SigningKeyTable>, now: number, signer: string | undefined): SigningKeyInfo {
    const retireAt = row.retire_at === null ? null : Number(row.retire_at)
    const activateAt = Number(row.activate_at)
    const status =
      row.kid === signer
        ? 'current'
        : retireAt !== null && retireAt <= now
          ? 'retired'
          : activateAt > now
            ? 'next'
            : 'previous'
    return {
      kid: row.kid,
      purpose: row.purpose,
      alg: row.alg as SigningAlgorithm,
      status,
      createdAt: Number(row.created_at),
      activateAt,
      retireAt,
      publicJwk: fromJson<PublicJwk>(dialect, row.public_jwk),
    }
  }

  // Every issued token reads the signing key (a rotation on another replica is seen at once): compiled once. The
  // same choice as the token-exchange read (idp/exchange.ts): the latest activated key that is not retired; on a tie
  // (a rotation in the millisecond of the previous one's activation) the newest key.
  const signerQuery = prepareQuery(db, 2, (db, purpose, now) =>
    db
      .selectFrom('signing_key')
      .selectAll()
      .where('purpose', '=', purpose!)
      .where('activate_at', '<=', now as unknown as number)
      .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', now as unknown as number)]))
      .orderBy('activate_at', 'desc')
      .orderBy(newestFirst)
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .limit(1),
  )
  async function signerRow(purpose: string, now: number) {
    return (await signerQuery(purpose, now))[0]
  }
  /** The newest key of the purpose (signing or next): the one row the partial unique index allows. */
  async function newestRow(purpose: string) {
    return db
      .selectFrom('signing_key')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('retire_at', 'is', null)
      .executeTakeFirst()
  }

  async function newRow(purpose: string, alg: SigningAlgorithm, now: number, activateAt: number) {
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
      activate_at: activateAt,
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
      const existing = await newestRow(purpose)
      const at = nowMs(clock)
      if (existing) return info(existing, at, (await signerRow(purpose, at))?.kid)
      // The first key signs at once: no verifier can hold an older JWKS of this purpose. The partial unique index
      // (one newest key per purpose) settles a race between replicas: the loser's row is dropped and everyone reads
      // the winner's.
      await db
        .insertInto('signing_key')
        .values(await newRow(purpose, alg, at, at))
        .onConflict((oc) => oc.column('purpose').where('retire_at', 'is', null).doNothing())
        .execute()
      const row = await newestRow(purpose)
      if (!row) throw new Error(`no signing key for ${purpose} after creating one`)
      return info(row, at, (await signerRow(purpose, at))?.kid)
    },

    async current(purpose, now) {
      checkPurpose(purpose)
      const row = await signerRow(purpose, resolveNow(clock, now))
      if (!row) {
        throw new StoreError('ERR_STORE_NO_SIGNING_KEY', `no signing key for purpose "${purpose}": call keys.ensure()`)
      }
      return opener.open(dialect, row)
    },

    async rotate(purpose, options) {
      checkPurpose(purpose)
      const retireAfter = checkDelay('retireAfterSeconds', options?.retireAfterSeconds)
      const activateAfter = checkDelay('activateAfterSeconds', options?.activateAfterSeconds)
      const requested = options.alg === undefined ? undefined : checkAlg(options.alg)
      const outgoing = await newestRow(purpose)
      const now = nowMs(clock)
      // With no key signing now there is nothing to hand over from and no verifier to wait for: sign at once.
      const signing = await signerRow(purpose, now)
      const activateAt = signing === undefined ? now : now + activateAfter * 1000
      const retireAt = activateAt + retireAfter * 1000
      // Key generation (RSA takes a while) happens before the transaction, which then only swaps rows.
      const alg = requested ?? (outgoing?.alg as SigningAlgorithm | undefined) ?? 'ES256'
      const row = await newRow(purpose, alg, now, activateAt)
      await inTransaction(db, async (trx) => {
        if (dialect === 'postgres') {
          // Two rotations at once run one after the other (SQLite's BEGIN IMMEDIATE already serialises writers).
          await sql`select pg_advisory_xact_lock(hashtext('openxaa.keys:' || ${purpose}))`.execute(trx)
        }
        // Every published key leaves at `retireAt` at the latest: the keys that sign until the new one activates
        // keep their tokens verifiable `retireAfter` more, and an emergency rotation (0, 0) drops them all at once.
        // A next key still pending that would activate no earlier than the new one never signed: it leaves now
        // (were it kept, its later activation would make it the signer again).
        await trx
          .updateTable('signing_key')
          .set({
            retire_at: sql<number>`case when activate_at > ${now} and activate_at >= ${activateAt} then ${now}
              when retire_at is null or retire_at > ${retireAt} then ${retireAt} else retire_at end`,
          })
          .where('purpose', '=', purpose)
          .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', now)]))
          .execute()
        await trx.insertInto('signing_key').values(row).execute()
      })
      const stored = await db.selectFrom('signing_key').selectAll().where('kid', '=', row.kid).executeTakeFirstOrThrow()
      return info(stored, now, (await signerRow(purpose, now))?.kid)
    },

    async publicJwks(purpose, now) {
      checkPurpose(purpose)
      const at = resolveNow(clock, now)
      const rows = await db
        .selectFrom('signing_key')
        .select(['kid', 'public_jwk', 'activate_at', 'retire_at'])
        .where('purpose', '=', purpose)
        .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', at)]))
        .orderBy(newestFirst)
        .orderBy('retire_at', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute()
      // The signing key first (verifiers that try keys in order find it at once), then the next key (soonest
      // first), then the rotated-out keys as ordered above, most recently rotated out first.
      const signer = (await signerRow(purpose, at))?.kid
      const rank = (r: (typeof rows)[number]) => (r.kid === signer ? 0 : Number(r.activate_at) > at ? 1 : 2)
      const ordered = rows
        .map((r, i) => ({ r, i }))
        .sort(
          (a, b) =>
            rank(a.r) - rank(b.r) ||
            (rank(a.r) === 1 ? Number(a.r.activate_at) - Number(b.r.activate_at) : 0) ||
            a.i - b.i,
        )
      return { keys: ordered.map(({ r }) => fromJson<PublicJwk>(dialect, r.public_jwk)) }
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
      const signer = (await signerRow(purpose, at))?.kid
      return rows.map((row) => info(row, at, signer))
    },
  }
}
