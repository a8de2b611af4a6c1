/**
 * Migration 0002 on a real vault written by the previous release (schema 1, fixture file):
 * every entry still opens, its history too, and its first write moves it to version 1+ with the
 * integrity record written at the first unlock.
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

describe('migration 0002: versions and the integrity record', () => {
  it('adds the columns with version 0 and no record, in one step', () => {
    const v = Vault.open(path, { lastSeenFile })
    v.close()
    const db = rawDb(path)
    expect(db.pragma('user_version', { simple: true })).toBe(3)
    const versions = db.prepare('SELECT version FROM entries').pluck().all()
    expect(versions).toEqual([0, 0, 0])
    const header = db.prepare('SELECT commit_counter, integrity_mac FROM vault_header').get()
    expect(header).toEqual({ commit_counter: 0, integrity_mac: null })
    db.close()
  })

  it('opens every entry sealed before versions, with its history, and writes a record', async () => {
    const v = Vault.open(path, { lastSeenFile })
    await v.unlock(PASSWORD)
    expect(v.damaged()).toEqual([])
    const byName = Object.fromEntries(v.list().map((e) => [e.name, e]))
    expect(Object.keys(byName).sort()).toEqual(['bm legacy', 'generic legacy', 'wpt legacy'])
    const wpt = byName['wpt legacy']
    expect(v.reveal(wpt.id, 'key')).toBe('A.fedcba9876543210fedcba9876543210')
    expect(v.history(wpt.id)).toEqual([
      { index: 0, rotatedAt: Date.UTC(2026, 0, 2), keyMask: 'A.0123…cdef' },
    ])
    expect(v.revealHistory(wpt.id, 0, 'key')).toBe('A.0123456789abcdef0123456789abcdef')
    expect(v.reveal(byName['bm legacy'].id, 'secret')).toMatch(/^0123456789abcdef/)
    // The first write seals the entry for version 1, key included.
    const u = v.update(byName['generic legacy'].id, { notes: 'now versioned' })
    expect(u.version).toBe(1)
    v.close()
    const again = Vault.open(path, { lastSeenFile })
    await again.unlock(PASSWORD)
    expect(again.damaged()).toEqual([])
    expect(again.reveal(u.id, 'key')).toBe('gk-legacy-secretvalue-1')
    expect(again.get(u.id).notes).toBe('now versioned')
    again.close()
    const db = rawDb(path)
    expect(db.prepare('SELECT commit_counter FROM vault_header').pluck().get()).toBe(2)
    db.close()
  })
})
