/** A cheap look at a file before SQLite opens it (is it an SQLite database at all?), then opening it. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import {
  DatabaseFromNewerVersionError,
  ForeignDatabaseError,
  openDatabase,
  type Db,
} from '../db/sqlite'
import { InvalidInputError, NewerVersionError, NotAVaultError } from './errors'
import { VAULT_MIGRATIONS, VAULT_SCHEMA_VERSION } from './migrations'

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

/**
 * Open the SQLite database of the vault file at `path` (migrated to this version), or say why
 * it cannot be: no such file, not SQLite, another program's database, a newer Keywarden's.
 */
export function openVaultDatabase(path: string): Db {
  if (!existsSync(path)) throw new NotAVaultError(path, 'no such file')
  if (!looksLikeSqlite(path)) throw new NotAVaultError(path)
  try {
    return openDatabase(path, { migrations: VAULT_MIGRATIONS, create: false })
  } catch (error) {
    if (error instanceof DatabaseFromNewerVersionError)
      throw new NewerVersionError(error.found, VAULT_SCHEMA_VERSION)
    if (error instanceof ForeignDatabaseError)
      throw new NotAVaultError(
        path,
        'it is not a Keywarden vault file but a database of another program (left untouched)',
      )
    throw new NotAVaultError(path)
  }
}

/** Create the SQLite database of a new vault at `path`, which must not exist yet. */
export function createVaultDatabase(path: string): Db {
  if (existsSync(path))
    throw new InvalidInputError(`A file already exists at ${path}; choose another path.`)
  return openDatabase(path, { migrations: VAULT_MIGRATIONS })
}
