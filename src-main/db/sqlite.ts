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
  up(db: Db): void
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
