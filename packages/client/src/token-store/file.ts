import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { TokenStore, TokenStoreData } from './types.js'

const FILE_MODE = 0o600
const DIR_MODE = 0o700

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
    let text: string
    try {
      const info = await stat(this.path)
      // A file others can read was not written by us (or was copied): close it before trusting its content.
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) await chmod(this.path, FILE_MODE)
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return undefined
    }
    return isStoreData(parsed) ? parsed : undefined
  }

  async write(data: TokenStoreData): Promise<void> {
    const dir = dirname(this.path)
    await mkdir(dir, { recursive: true, mode: DIR_MODE })
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`
    const handle = await open(temp, 'wx', FILE_MODE)
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temp, this.path)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true })
  }
}
