import { rm } from 'node:fs/promises'
import { readPrivateFile, writePrivateFile } from '../internal/private-file.js'
import type { TokenStore, TokenStoreData } from './types.js'

function isStoreData(value: unknown): value is TokenStoreData {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<TokenStoreData>
  return v.version === 1 && typeof v.accessTokens === 'object' && typeof v.bindings === 'object'
}

/**
 * A {@link TokenStore} in a JSON file readable only by the user: the directory is created with mode 0700, the file
 * written with mode 0600 to a temporary name in the same directory, flushed, then renamed over the old one, so a
 * crash never leaves half a file and no other user can read it at any moment. A file that others can read is
 * tightened to 0600 before it is used.
 *
 * @example
 * ```ts
 * const store = new FileTokenStore(join(homedir(), '.config/openxaa/tokens.json'))
 * ```
 * @see xaa-protocol.md checklist item 31 (store tokens securely)
 */
export class FileTokenStore implements TokenStore {
  readonly path: string

  constructor(path: string) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileTokenStore: path must be a file path')
    this.path = path
  }

  async read(): Promise<TokenStoreData | undefined> {
    const text = await readPrivateFile(this.path)
    if (text === undefined) return undefined
    try {
      const parsed: unknown = JSON.parse(text)
      return isStoreData(parsed) ? parsed : undefined
    } catch {
      return undefined
    }
  }

  async write(data: TokenStoreData): Promise<void> {
    await writePrivateFile(this.path, `${JSON.stringify(data, null, 2)}\n`)
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true })
  }
}
