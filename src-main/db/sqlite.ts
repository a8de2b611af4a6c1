/**
 * The storage layer: the only module that imports better-sqlite3 (architecture.md), so the
 * database could move into a worker or utility process without touching its callers.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type Db = Database.Database
export type Statement = Database.Statement

/** One schema step. Versions only go up; each runs once, inside the migration transaction. */
export interface Migration {
  version: number
  name: string
  /**
   * Set on the step that stamps the file's PRAGMA application_id (its `up` writes it): from
   * then on a file of this kind must carry that id, and one that does not is refused untouched.
   */
  applicationId?: number
  up(db: Db): void
}

/** The file is a SQLite database, but not one of this kind: it was refused before any change. */
export class ForeignDatabaseError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} is a database of another program (or another kind of Keywarden file); it was left untouched.`,
    )
    this.name = 'ForeignDatabaseError'
  }
}

export class DatabaseFromNewerVersionError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This file was written by a newer version of Keywarden (schema ${found}; this version understands up to ${supported}). Update Keywarden to open it.`,
    )
    this.name = 'DatabaseFromNewerVersionError'
  }
}

export interface OpenOptions {
  migrations: readonly Migration[]
  /** Create the file if missing (default true). */
  create?: boolean
  /** Where better-sqlite3's native addon lives (the Electron-ABI build in desktop mode). */
  nativeBinding?: string
}

/** Path of an alternative native binding, e.g. the Electron-ABI build kept apart from Node's. */
let defaultNativeBinding: string | undefined
export function setDefaultNativeBinding(path: string | undefined): void {
  defaultNativeBinding = path
}

/**
 * Open (or create) a SQLite file with the settings every Keywarden database uses: WAL,
 * synchronous=FULL (a returned write survives a crash), foreign keys on, and all pending
 * migrations applied in one transaction with `user_version` recorded.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  const create = options.create ?? true
  if (!create && !existsSync(path)) throw new Error(`No database at ${path}`)
  const folder = dirname(path)
  if (create && !existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 })
  const db = new Database(path, {
    fileMustExist: !create,
    nativeBinding: options.nativeBinding ?? defaultNativeBinding,
  })
  try {
    // Read-only checks first: a file that is not ours keeps its mode and journal.
    checkOwnership(db, path, options.migrations)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    chmodSync(path, 0o600)
    runMigrations(db, options.migrations)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * Refuse, before anything is written, a file this kind of database cannot be: one with another
 * application_id, a non-empty file with no schema version (ours record the version in the
 * transaction that creates the schema), or one of ours from a newer version. A file with application_id 0
 * below the stamping migration is an older file of ours, which that migration will stamp.
 */
function checkOwnership(db: Db, path: string, migrations: readonly Migration[]): void {
  const found = schemaVersion(db)
  const stamp = migrations
    .filter((m) => m.applicationId !== undefined)
    .sort((a, b) => a.version - b.version)[0]
  const id = db.pragma('application_id', { simple: true }) as number
  if (stamp && id !== stamp.applicationId) {
    const legacy = id === 0 && found > 0 && found < stamp.version
    const empty =
      id === 0 &&
      found === 0 &&
      (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0
    if (!legacy && !empty) throw new ForeignDatabaseError(path)
  }
  // Ours, from a newer version: refused before the journal mode is touched too.
  const latest = Math.max(0, ...migrations.map((m) => m.version))
  if (found > latest) throw new DatabaseFromNewerVersionError(found, latest)
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Apply every migration above the file's `user_version`, all in one transaction (Signal's way). */
export function runMigrations(db: Db, migrations: readonly Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  const latest = sorted.at(-1)?.version ?? 0
  const current = schemaVersion(db)
  if (current > latest) throw new DatabaseFromNewerVersionError(current, latest)
  const pending = sorted.filter((m) => m.version > current)
  if (pending.length === 0) return
  db.transaction(() => {
    for (const migration of pending) migration.up(db)
    db.pragma(`user_version = ${latest | 0}`)
  })()
}
