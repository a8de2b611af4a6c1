/** A cheap look at a file before SQLite opens it: is it an SQLite database at all? */
import { closeSync, openSync, readSync, statSync } from 'node:fs'

const SQLITE_MAGIC = 'SQLite format 3\0'

/** Whether `path` starts with SQLite's header (a vault is never smaller than one page). */
export function looksLikeSqlite(path: string): boolean {
  try {
    if (statSync(path).size < 512) return false
    const fd = openSync(path, 'r')
    try {
      const head = Buffer.alloc(16)
      readSync(fd, head, 0, 16, 0)
      return head.toString('latin1') === SQLITE_MAGIC
    } finally {
      closeSync(fd)
    }
  } catch {
    return false
  }
}
