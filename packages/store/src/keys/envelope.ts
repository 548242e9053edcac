/** AES-256-GCM envelopes for private keys: `v1:<kek id>:<iv>:<ciphertext>:<tag>`, the kid and purpose bound as AAD. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { StoreError } from '../errors.js'
import type { Kek } from './kek.js'

const VERSION = 'v1'

function aad(purpose: string, kid: string): Buffer {
  return Buffer.from(`openxaa signing key\0${purpose}\0${kid}`)
}

/** Encrypts a private key (PKCS #8 DER) under the KEK, bound to its purpose and kid. */
export function sealPrivateKey(kek: Kek, purpose: string, kid: string, plaintext: Buffer): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv)
  cipher.setAAD(aad(purpose, kid))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, kek.id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join(
    ':',
  )
}

/** Decrypts an envelope, or fails with a {@link StoreError} that says which KEK is needed; never returns garbage. */
export function openPrivateKey(kek: Kek, purpose: string, kid: string, envelope: string): Buffer {
  const [version, kekId, iv, ciphertext, tag, ...rest] = envelope.split(':')
  if (version !== VERSION || !kekId || !iv || ciphertext === undefined || !tag || rest.length > 0) {
    throw new StoreError('ERR_STORE_KEY_DECRYPT', `signing key ${kid} (${purpose}) has a malformed envelope`)
  }
  if (kekId !== kek.id) {
    throw new StoreError(
      'ERR_STORE_KEK_MISMATCH',
      `signing key ${kid} (${purpose}) was encrypted with key-encryption key ${kekId}, but this process has ${kek.id}: ` +
        'set OPENXAA_KEY_ENCRYPTION_KEY (or <dataDir>/key-encryption.key) to the key used when it was created',
    )
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(aad(purpose, kid))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()])
  } catch (cause) {
    throw new StoreError(
      'ERR_STORE_KEY_DECRYPT',
      `signing key ${kid} (${purpose}) failed its integrity check: the row was altered or belongs to another key`,
      { cause },
    )
  }
}
