// Files only the user can read: directory 0700, file 0600, written to a temporary name, flushed, then renamed.

import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'

const FILE_MODE = 0o600
const DIR_MODE = 0o700

/** Reads a private file (tightening it to 0600 first if others could read it); undefined when it does not exist. */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path)
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) await chmod(path, FILE_MODE)
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Replaces a private file atomically: a crash leaves the old or the new content, never half of one. */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE })
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temp, 'wx', FILE_MODE)
  try {
    await handle.writeFile(content, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
