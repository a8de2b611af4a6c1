/**
 * Migration 0003 on a real vault written by an earlier release (schema 1 fixture, migrated
 * through 0002): the audit tables appear in one step, the integrity record written without an
 * audit anchor keeps verifying, and the log starts at the first unlock.
 */
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault } from '../../src-main/vault'
import { PASSWORD, rawDb, tempDir } from './helpers'

const FIXTURE = join(__dirname, 'fixtures', 'schema1-vault.kwdb')

let tmp: ReturnType<typeof tempDir>
let path: string
let lastSeenFile: string
beforeEach(() => {
  tmp = tempDir()
  path = join(tmp.dir, 'old.kwdb')
  lastSeenFile = join(tmp.dir, 'last-seen.json')
  copyFileSync(FIXTURE, path)
})
afterEach(() => tmp.cleanup())

describe('migration 0003: the audit log', () => {
  it('adds the audit tables and the anchor column, empty, in one step', () => {
    Vault.open(path, { lastSeenFile }).close()
    const db = rawDb(path)
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit%'")
      .all() as { name: string; sql: string }[]
    expect(tables.map((t) => t.name).sort()).toEqual(['audit_head', 'audit_log', 'audit_pending'])
    for (const t of tables) expect(t.sql).toMatch(/STRICT$/)
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0)
    expect(db.prepare('SELECT audit_seq FROM vault_header').pluck().get()).toBeNull()
    db.close()
  })

  it('starts the log at the first unlock; an integrity record without an anchor still verifies', async () => {
    const v = Vault.open(path, { lastSeenFile })
    await v.unlock(PASSWORD)
    expect(v.damaged()).toEqual([])
    expect(
      v
        .auditLog()
        .list()
        .map((r) => r.action),
    ).toEqual(['unlock'])
    v.close()
    const again = Vault.open(path, { lastSeenFile })
    await again.unlock(PASSWORD)
    expect(again.damaged()).toEqual([])
    const id = again.list()[0].id
    again.update(id, { notes: 'after the log began' })
    expect(again.auditLog().verify()).toEqual({ ok: true, count: 3 })
    again.close()
    const db = rawDb(path)
    // The entry commit anchored the log in the integrity record.
    expect(db.prepare('SELECT audit_seq FROM vault_header').pluck().get()).toBe(3)
    db.close()
    const third = Vault.open(path, { lastSeenFile })
    await third.unlock(PASSWORD)
    expect(third.damaged()).toEqual([])
    third.close()
  })
})
