/**
 * The progressive unlock (what the app uses): it returns with the first chunk of entries open,
 * serves the first rows from them, and opens the rest in the background. Whatever reads the
 * whole set (list, search, writes) first finishes the load; the integrity check runs at its end,
 * and a check that fails there is reported and stops every later read and write. Real vault
 * files (3,000 entries: three 1,024-record chunks), tampered with through SQLite.
 */
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault, VaultOlderError, type VaultChangeKind } from '../../src-main/vault'
import { FAST_KDF, PASSWORD, genericInput, rawDb, tempDir } from './helpers'

const COUNT = 3000

let tmp: ReturnType<typeof tempDir>
let lastSeenFile: string
beforeEach(() => {
  tmp = tempDir()
  lastSeenFile = join(tmp.dir, 'config', 'last-seen.json')
})
afterEach(() => tmp.cleanup())

async function bigVault(): Promise<{ path: string; ids: string[] }> {
  const path = join(tmp.dir, 'v.kwdb')
  const vault = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
  const ids = vault
    .addMany(Array.from({ length: COUNT }, (_, i) => genericInput(i)))
    .map((e) => e.id)
  vault.close()
  return { path, ids }
}

/** Open and unlock progressively, recording the change events it emits. */
async function progressive(path: string): Promise<{ vault: Vault; events: VaultChangeKind[] }> {
  const vault = Vault.open(path, { lastSeenFile })
  const events: VaultChangeKind[] = []
  vault.onChange((e) => events.push(e.kind))
  await vault.unlock(PASSWORD, { progressive: true })
  return { vault, events }
}

/** Resolves at the vault's next 'entries' event (the background load's end announces itself). */
function nextEntries(vault: Vault): Promise<void> {
  // A ref'd timer: the load's own turns are unref'd and would not keep the test's loop alive.
  const keep = setInterval(() => undefined, 1000)
  return new Promise((resolve) => {
    const off = vault.onChange((e) => {
      if (e.kind !== 'entries') return
      off()
      clearInterval(keep)
      resolve()
    })
  })
}

describe('progressive unlock', () => {
  it('returns with the first chunk open and serves the first rows from it', async () => {
    const { path, ids } = await bigVault()
    const { vault } = await progressive(path)
    const progress = vault.loadProgress()
    expect(progress).not.toBeNull()
    expect(progress!.total).toBe(COUNT)
    expect(progress!.loaded).toBeGreaterThan(0)
    expect(progress!.loaded).toBeLessThan(COUNT)
    expect(vault.openedSlice(0, 100)!.map((e) => e.id)).toEqual(ids.slice(0, 100))
    // Rows not open yet are not made up: the caller must use the whole list.
    expect(vault.openedSlice(COUNT - 100, 100)).toBeNull()
    vault.close()
  })

  it('opens the rest in the background, then tells listeners once and serves the whole set', async () => {
    const { path, ids } = await bigVault()
    const { vault, events } = await progressive(path)
    const done = nextEntries(vault)
    await done
    expect(vault.loadProgress()).toBeNull()
    expect(vault.openedSlice(0, 100)).toBeNull()
    expect(vault.list().map((e) => e.id)).toEqual(ids)
    expect(events.filter((k) => k === 'entries')).toHaveLength(1)
    expect(vault.damaged()).toEqual([])
    vault.close()
  })

  it('finishes the load before a list, a search or a write, which all see every entry', async () => {
    const { path, ids } = await bigVault()
    const { vault, events } = await progressive(path)
    expect(vault.search(`service ${COUNT - 1}`).map((e) => e.id)).toEqual([ids[COUNT - 1]])
    expect(vault.loadProgress()).toBeNull()
    expect(events.filter((k) => k === 'entries')).toHaveLength(1)
    vault.close()

    const again = await progressive(path)
    const added = again.vault.add(genericInput(COUNT))
    expect(again.vault.list()).toHaveLength(COUNT + 1)
    again.vault.close()
    // The write's integrity record covered every entry: a plain unlock finds nothing amiss.
    const plain = Vault.open(path, { lastSeenFile })
    await plain.unlock(PASSWORD)
    expect(plain.damaged()).toEqual([])
    expect(plain.get(added.id).name).toBe(`service ${COUNT}`)
    plain.close()
  })

  it('names a rolled-back row at the end of the load, and refuses to write to it', async () => {
    const { path, ids } = await bigVault()
    const late = ids[COUNT - 1]
    const db = rawDb(path)
    const old = db.prepare('SELECT * FROM entries WHERE id = ?').get(late) as Record<
      string,
      unknown
    >
    db.close()
    const v = Vault.open(path, { lastSeenFile })
    await v.unlock(PASSWORD)
    v.update(late, { name: 'renamed' })
    v.close()
    const put = rawDb(path)
    const cols = Object.keys(old)
    put
      .prepare(
        `INSERT OR REPLACE INTO entries (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`,
      )
      .run(old)
    put.close()

    const { vault } = await progressive(path)
    await nextEntries(vault)
    expect(vault.damaged().map((d) => d.id)).toEqual([late])
    expect(vault.list()).toHaveLength(COUNT - 1)
    expect(() => vault.update(late, { name: 'again' })).toThrow(/damaged/)
    vault.close()
  })

  it('refuses a whole older copy at unlock, before any entry is shown', async () => {
    const { path, ids } = await bigVault()
    const backup = join(tmp.dir, 'backup.kwdb')
    copyFileSync(path, backup)
    const v = Vault.open(path, { lastSeenFile })
    await v.unlock(PASSWORD)
    v.update(ids[0], { name: 'newer' })
    v.close()
    copyFileSync(backup, path)
    const older = Vault.open(path, { lastSeenFile })
    await expect(older.unlock(PASSWORD, { progressive: true })).rejects.toBeInstanceOf(
      VaultOlderError,
    )
    expect(older.isUnlocked).toBe(false)
    expect(older.loadProgress()).toBeNull()
    older.close()
  })

  it('an older record found at the end of the load is reported and stops reads and writes', async () => {
    const { path, ids } = await bigVault()
    const backup = join(tmp.dir, 'backup.kwdb')
    copyFileSync(path, backup)
    const v = Vault.open(path, { lastSeenFile })
    await v.unlock(PASSWORD)
    v.update(ids[0], { name: 'newer' })
    v.close()
    const { vault, events } = await progressive(path)
    // While the entries open, the file's integrity record is swapped for the older copy's.
    const old = rawDb(backup)
    const record = old
      .prepare(
        'SELECT commit_counter, commit_at, manifest, integrity_mac, audit_seq FROM vault_header',
      )
      .get() as Record<string, unknown>
    old.close()
    const db = rawDb(path)
    db.prepare(
      `UPDATE vault_header SET commit_counter = @commit_counter, commit_at = @commit_at,
         manifest = @manifest, integrity_mac = @integrity_mac, audit_seq = @audit_seq`,
    ).run(record)
    db.close()
    expect(() => vault.list()).toThrow(VaultOlderError)
    expect(events.filter((k) => k === 'entries')).toHaveLength(1)
    expect(() => vault.add(genericInput(COUNT))).toThrow(VaultOlderError)
    expect(() => vault.search('service')).toThrow(VaultOlderError)
    expect(vault.loadProgress()).toBeNull()
    expect(vault.openedSlice(0, 10)).toBeNull()
    vault.close()
    // Nothing was written: the file still holds exactly its entries.
    const check = rawDb(path)
    expect(check.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: COUNT })
    check.close()
  })

  it('a lock during the load stops it; the next unlock opens everything', async () => {
    const { path, ids } = await bigVault()
    const { vault } = await progressive(path)
    vault.lock()
    expect(vault.loadProgress()).toBeNull()
    expect(vault.isUnlocked).toBe(false)
    await new Promise((r) => setTimeout(r, 50))
    await vault.unlock(PASSWORD, { progressive: true })
    expect(vault.list().map((e) => e.id)).toEqual(ids)
    vault.close()
  })

  it('takes in a commit by another process made while it loads', async () => {
    const { path, ids } = await bigVault()
    const other = Vault.open(path, { lastSeenFile })
    await other.unlock(PASSWORD)
    const { vault } = await progressive(path)
    expect(vault.loadProgress()).not.toBeNull()
    // No await until the reads below: the commit lands while the load is still going.
    other.update(ids[COUNT - 1], { name: 'changed elsewhere' })
    other.remove(ids[1])
    other.close()
    expect(vault.get(ids[COUNT - 1]).name).toBe('changed elsewhere')
    expect(vault.list()).toHaveLength(COUNT - 1)
    expect(vault.damaged()).toEqual([])
    vault.close()
  })
})
