/**
 * The key-encryption key (KEK) that wraps private signing keys at rest: `options.keyEncryptionKey`, else
 * `OPENXAA_KEY_ENCRYPTION_KEY` (base64url of 32 bytes), else `<dataDir>/key-encryption.key`, created with mode 0600
 * on first use. Several replicas on one database must share one KEK: set the environment variable there.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError } from '../errors.js'

/** The environment variable holding the KEK. */
export const KEY_ENCRYPTION_KEY_ENV = 'OPENXAA_KEY_ENCRYPTION_KEY'
/** The file, inside the data directory, that holds the KEK when the environment does not. */
export const KEY_ENCRYPTION_KEY_FILE = 'key-encryption.key'

const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/

/** A KEK and its public id (an HMAC of a constant: tells two KEKs apart without revealing either). */
export interface Kek {
  readonly key: Buffer
  readonly id: string
}

function kekFrom(key: Buffer): Kek {
  const id = createHmac('sha256', key)
    .update('openxaa key-encryption key id')
    .digest()
    .subarray(0, 9)
    .toString('base64url')
  return { key, id }
}

/** Decodes a base64url KEK; a wrong shape is a TypeError naming `setting`, never echoing the value. */
export function decodeKek(value: string | Uint8Array, setting: string): Kek {
  if (value instanceof Uint8Array) {
    if (value.byteLength !== 32) throw new TypeError(`${setting} must be 32 bytes`)
    return kekFrom(Buffer.from(value))
  }
  const text = typeof value === 'string' ? value.trim().replace(/=$/, '') : ''
  if (!BASE64URL_32.test(text)) throw new TypeError(`${setting} must be 32 bytes in base64url (43 characters)`)
  return kekFrom(Buffer.from(text, 'base64url'))
}

async function readKekFile(path: string): Promise<Kek> {
  const info = await stat(path)
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new StoreError(
      'ERR_STORE_KEK_FILE_PERMISSIONS',
      `${path} is readable by group or others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
    )
  }
  return decodeKek(await readFile(path, 'utf8'), path)
}

/** Reads the KEK file, or creates it (0600, exclusive create so two processes cannot write different keys). */
export async function loadOrCreateKekFile(dataDir: string): Promise<Kek> {
  const path = join(dataDir, KEY_ENCRYPTION_KEY_FILE)
  try {
    return await readKekFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  try {
    await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 })
    await chmod(path, 0o600) // the umask may have narrowed nothing, but an odd umask must not widen it either
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return readKekFile(path)
}

/** Where the KEK comes from, in order of precedence. */
export interface KekSource {
  option?: string | Uint8Array | undefined
  env?: string | undefined
  dataDir: string
}

/** Resolves the KEK from an option, the environment or the file. */
export async function resolveKek(source: KekSource): Promise<Kek> {
  if (source.option !== undefined) return decodeKek(source.option, 'options.keyEncryptionKey')
  if (source.env !== undefined && source.env !== '') return decodeKek(source.env, KEY_ENCRYPTION_KEY_ENV)
  return loadOrCreateKekFile(source.dataDir)
}
