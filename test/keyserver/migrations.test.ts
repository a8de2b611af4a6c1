import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DatabaseFromNewerVersionError,
  openDatabase,
  schemaVersion,
} from '../../src-main/db/sqlite'
import { KEYSERVER_MIGRATIONS } from '../../src-main/keyserver/migrations'

const folders: string[] = []
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ks-mig-'))
  folders.push(dir)
  return join(dir, 'keyserver.sqlite')
}

describe('key server migrations', () => {
  it('0010-initial creates STRICT tables and records the version', () => {
    const db = openDatabase(tempDb(), { migrations: KEYSERVER_MIGRATIONS })
    expect(schemaVersion(db)).toBe(11)
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as {
      name: string
      sql: string
    }[]
    expect(tables.map((t) => t.name).sort()).toEqual([
      'counters',
      'keys',
      'policies',
      'projects',
      'request_log',
      'settings',
      'users',
    ])
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT$/)
    expect(() =>
      db
        .prepare(
          "INSERT INTO keys (id, style, owner, name, status, key_hash, display_prefix, last4, created_at, issued_at) VALUES ('a','wellows','o','n','lost','h','p','l',1,1)",
        )
        .run(),
    ).toThrow(/CHECK/)
    db.close()
  })

  it('refuses a database written by a newer version', () => {
    const path = tempDb()
    const db = openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })
    db.pragma('user_version = 999')
    db.close()
    expect(() => openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })).toThrow(
      DatabaseFromNewerVersionError,
    )
  })
})
