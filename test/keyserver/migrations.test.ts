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
    expect(schemaVersion(db)).toBe(12)
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as {
      name: string
      sql: string
    }[]
    expect(tables.map((t) => t.name).sort()).toEqual([
      'blazemeter_items',
      'counters',
      'keys',
      'namespaces',
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

  it('0012-namespaces moves every row of a version 11 file into the default namespace', () => {
    const path = tempDb()
    const old = openDatabase(path, { migrations: KEYSERVER_MIGRATIONS.slice(0, 2) })
    old.exec(`
      INSERT INTO users (name, display_name, email, created_at) VALUES ('ann', 'Ann', 'a@x.test', 1);
      INSERT INTO projects (id, owner, name, created_at) VALUES (7, 'ann', 'Site', 1);
      INSERT INTO policies (owner, json) VALUES ('ann', '{"webpagetestMonthlyTests":5}');
      INSERT INTO settings (name, json) VALUES ('rateLimits', 'false');
      INSERT INTO counters (scope, name, value) VALUES ('key:k1', 'requests', 3);
      INSERT INTO keys (id, style, owner, name, status, key_hash, display_prefix, last4, created_at, issued_at)
        VALUES ('k1', 'wellows', 'ann', 'n', 'active', 'h', 'p', 'abcd', 1, 1);
      INSERT INTO request_log (time, method, path, style, key_id, status, outcome)
        VALUES (1, 'GET', '/wellows/api/v1/validate', 'wellows', 'k1', 200, 'ok');
    `)
    old.close()
    const db = openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })
    expect(schemaVersion(db)).toBe(12)
    for (const table of [
      'users',
      'projects',
      'policies',
      'settings',
      'counters',
      'keys',
      'request_log',
    ])
      expect(db.prepare(`SELECT DISTINCT namespace FROM ${table}`).all(), table).toEqual([
        { namespace: 'default' },
      ])
    expect(db.prepare('SELECT name FROM namespaces').all()).toEqual([{ name: 'default' }])
    // A user name is unique per namespace now, not per server.
    db.prepare(
      "INSERT INTO users (namespace, name, display_name, email, created_at) VALUES ('job-1', 'ann', 'Ann', 'a@x.test', 2)",
    ).run()
    expect(() =>
      db
        .prepare(
          "INSERT INTO users (namespace, name, display_name, email, created_at) VALUES ('job-1', 'ann', 'Ann', 'a@x.test', 3)",
        )
        .run(),
    ).toThrow(/UNIQUE/)
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
