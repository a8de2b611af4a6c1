/**
 * Rollback and replay: a row put back from an older copy, a deleted row, a removed row put back,
 * an edited clear column and a whole file put back are each detected and named at unlock, with
 * every other entry still opening. Real vault files, tampered with through SQLite as an attacker
 * with the file would.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault, VaultOlderError } from '../../src-main/vault'
import { FAST_KDF, PASSWORD, genericInput, rawDb, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let lastSeenFile: string
beforeEach(() => {
  tmp = tempDir()
  lastSeenFile = join(tmp.dir, 'config', 'last-seen.json')
})
afterEach(() => tmp.cleanup())

async function threeEntries(): Promise<{ path: string; ids: string[] }> {
  const path = join(tmp.dir, 'v.kwdb')
  const vault = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
  const ids = vault.addMany([genericInput(1), genericInput(2), genericInput(3)]).map((e) => e.id)
  vault.close()
  return { path, ids }
}

async function unlocked(path: string, acceptOlder = false): Promise<Vault> {
  const v = Vault.open(path, { lastSeenFile })
  await v.unlock(PASSWORD, { acceptOlder })
  return v
}

function snapshotRow(path: string, id: string): Record<string, unknown> {
  const db = rawDb(path)
  const row = db.prepare('SELECT * FROM entries WHERE id = ?').get(id) as Record<string, unknown>
  db.close()
  return row
}

function putRowBack(path: string, row: Record<string, unknown>): void {
  const db = rawDb(path)
  const cols = Object.keys(row)
  db.prepare(
    `INSERT OR REPLACE INTO entries (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`,
  ).run(row)
  db.close()
}

function reasons(v: Vault): Record<string, string> {
  return Object.fromEntries(v.damaged().map((d) => [d.id, d.reason]))
}

describe('integrity record: rows', () => {
  it('names a row put back from an older version, and every other entry still opens', async () => {
    const { path, ids } = await threeEntries()
    const old = snapshotRow(path, ids[0])
    const v = await unlocked(path)
    v.update(ids[0], { name: 'renamed' })
    v.rotate(ids[0], { credential: { key: 'gk-new-secretvalue-123' } })
    v.close()
    putRowBack(path, old)
    const again = await unlocked(path)
    expect(reasons(again)[ids[0]]).toMatch(/^Damaged or rolled back: .*older copy/)
    expect(
      again
        .list()
        .map((e) => e.id)
        .sort(),
    ).toEqual([ids[1], ids[2]].sort())
    expect(again.reveal(ids[1], 'key')).toBe('gk-2-secretvalue')
    expect(() => again.reveal(ids[0], 'key')).toThrow(/damaged/)
    again.close()
  })

  it('names a row deleted outside Keywarden', async () => {
    const { path, ids } = await threeEntries()
    const db = rawDb(path)
    db.prepare('DELETE FROM entries WHERE id = ?').run(ids[2])
    db.close()
    const v = await unlocked(path)
    expect(reasons(v)[ids[2]]).toMatch(/deleted from the vault file outside Keywarden/)
    expect(v.list()).toHaveLength(2)
    // Removing it acknowledges the deletion: the next unlock is clean.
    v.remove(ids[2])
    v.close()
    const clean = await unlocked(path)
    expect(clean.damaged()).toEqual([])
    clean.close()
  })

  it('names a removed row put back (replay)', async () => {
    const { path, ids } = await threeEntries()
    const old = snapshotRow(path, ids[1])
    const v = await unlocked(path)
    v.remove(ids[1])
    v.close()
    putRowBack(path, old)
    const again = await unlocked(path)
    expect(reasons(again)[ids[1]]).toMatch(/removed earlier and has been put back/)
    expect(again.list()).toHaveLength(2)
    again.close()
  })

  it('names a removed row put back even when another row was rolled back too', async () => {
    const { path, ids } = await threeEntries()
    const removed = snapshotRow(path, ids[1])
    const older = snapshotRow(path, ids[0])
    const v = await unlocked(path)
    v.remove(ids[1])
    v.update(ids[0], { name: 'renamed' })
    v.close()
    putRowBack(path, removed)
    putRowBack(path, older)
    const again = await unlocked(path)
    expect(reasons(again)[ids[0]]).toMatch(/older copy/)
    expect(reasons(again)[ids[1]]).toMatch(/removed earlier and has been put back/)
    expect(again.list().map((e) => e.id)).toEqual([ids[2]])
    again.close()
  })

  it('names an entry whose clear expiry or version was edited in the file', async () => {
    const { path, ids } = await threeEntries()
    const db = rawDb(path)
    db.prepare('UPDATE entries SET expires_at = 1 WHERE id = ?').run(ids[0])
    db.prepare('UPDATE entries SET version = version + 1 WHERE id = ?').run(ids[1])
    db.close()
    const v = await unlocked(path)
    expect(Object.keys(reasons(v)).sort()).toEqual([ids[0], ids[1]].sort())
    expect(v.list().map((e) => e.id)).toEqual([ids[2]])
    v.close()
  })

  it('a key ciphertext copied back from an older version of its own row does not open', async () => {
    const { path, ids } = await threeEntries()
    const old = snapshotRow(path, ids[0])
    const v = await unlocked(path)
    v.rotate(ids[0], { credential: { key: 'gk-rotated-secretvalue' } })
    v.close()
    const db = rawDb(path)
    db.prepare('UPDATE entries SET key_ct = ? WHERE id = ?').run(old.key_ct, ids[0])
    db.close()
    const again = await unlocked(path)
    expect(() => again.reveal(ids[0], 'key')).toThrow(/damaged or was modified/)
    again.close()
  })

  it('reports a modified integrity record without naming entries, and every entry opens', async () => {
    const { path } = await threeEntries()
    const db = rawDb(path)
    db.prepare('UPDATE vault_header SET commit_counter = commit_counter + 5').run()
    db.close()
    const v = await unlocked(path)
    expect(v.damaged().map((d) => d.reason)).toEqual([
      expect.stringMatching(/integrity record was modified/),
    ])
    expect(v.list()).toHaveLength(3)
    v.close()
  })
})

describe('integrity record: the whole file', () => {
  it('refuses a whole older copy put back, naming both dates, until the user accepts it', async () => {
    const { path, ids } = await threeEntries()
    const backup = join(tmp.dir, 'backup.kwdb')
    copyFileSync(path, backup)
    const v = await unlocked(path)
    v.update(ids[0], { expiresAt: Date.UTC(2030, 0, 1) })
    v.close()
    copyFileSync(backup, path)
    const older = Vault.open(path, { lastSeenFile })
    const error = await older.unlock(PASSWORD).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(VaultOlderError)
    expect((error as Error).message).toMatch(/older than the one last opened on this computer/)
    expect((error as Error).message).toMatch(
      /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC.*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
    )
    expect(older.isUnlocked).toBe(false)
    older.close()
    // Restoring a backup is legitimate: accepted once, it opens from then on.
    const accepted = await unlocked(path, true)
    expect(accepted.get(ids[0]).expiresAt).toBeNull()
    accepted.close()
    const later = await unlocked(path)
    expect(later.list()).toHaveLength(3)
    later.close()
  })

  it('keeps the record outside the vault, mode 0600, naming no entry', async () => {
    const { path } = await threeEntries()
    const text = readFileSync(lastSeenFile, 'utf8')
    expect(text).not.toMatch(/service/)
    const { statSync } = await import('node:fs')
    expect(statSync(lastSeenFile).mode & 0o777).toBe(0o600)
    expect(path).not.toBe(lastSeenFile)
  })

  it('another machine (no record) opens the older copy without a question', async () => {
    const { path } = await threeEntries()
    const elsewhere = mkdtempSync(join(tmpdir(), 'kw-other-'))
    try {
      const v = Vault.open(path, { lastSeenFile: join(elsewhere, 'last-seen.json') })
      await v.unlock(PASSWORD)
      expect(v.list()).toHaveLength(3)
      v.close()
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
