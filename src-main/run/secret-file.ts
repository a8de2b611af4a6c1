/** Writing a file that holds secrets: mode 0600 from its first byte, whole or not at all. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { RunError } from './errors'

/**
 * Write `content` to `path` with mode 0600: into a new file beside it (created 0600, so no
 * moment exists where others may read it), flushed, then renamed over the target.
 */
export function writeSecretFile(path: string, content: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let fd: number
  try {
    fd = openSync(temp, 'wx', 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new RunError(`${path}: cannot be written (${code}).`)
  }
  try {
    writeSync(fd, content)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(temp, path)
  } catch (error) {
    try {
      closeSync(fd)
    } catch {
      // Already closed.
    }
    rmSync(temp, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    throw new RunError(`${path}: cannot be written (${code}).`)
  }
}
