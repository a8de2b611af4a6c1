/**
 * The audit log on real vault files: every kind of event is recorded without a secret or a
 * name, and every kind of tampering with the chain (edit, reorder, delete in the middle, cut
 * the end, forge, remove the whole log) is named by the first record it breaks.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { userInfo } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../src-main/db/sqlite'
import { InvalidInputError, Vault, WrongPasswordError } from '../../src-main/vault'
import { writeBackup } from '../../src-main/vault/backup'
import { BM_ID, BM_SECRET, FAST_KDF, PASSWORD, WPT_KEY, rawDb, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let lastSeenFile: string
beforeEach(() => {
  tmp = tempDir()
  lastSeenFile = join(tmp.dir, 'last-seen.json')
})
afterEach(() => tmp.cleanup())

const NAME = 'payments-prod-Zq7'
const SECRET = 'gk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0'

async function create(): Promise<{ vault: Vault; path: string }> {
  const path = join(tmp.dir, 'vault.kwdb')
  const vault = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
  return { vault, path }
}

async function reopen(path: string, actor?: 'cli' | 'app' | 'browser'): Promise<Vault> {
  const v = Vault.open(path, { lastSeenFile, ...(actor ? { actor } : {}) })
  await v.unlock(PASSWORD)
  return v
}

/** Every byte SQLite keeps for the vault: the file and its write-ahead log. */
function rawBytes(path: string): Buffer {
  const parts = [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))
  return Buffer.concat(parts)
}

/** A vault with a few records: create, unlock, add, reveal, edit, reveal; closed. */
async function logged(): Promise<{ path: string; id: string }> {
  const { vault, path } = await create()
  const e = vault.add({ style: 'generic', name: NAME, credential: { key: SECRET } })
  vault.reveal(e.id, 'key')
  vault.update(e.id, { notes: 'n' })
  vault.reveal(e.id, 'key', { as: 'copy' })
  vault.close()
  const again = await reopen(path)
  again.reveal(e.id, 'key', { as: 'get' })
  again.close()
  return { path, id: e.id }
}

/** Tamper with the raw file while no vault has it open. */
function tamper(path: string, fn: (db: Db) => void): void {
  const db = rawDb(path)
  fn(db)
  db.close()
}

async function verifyAfterReopen(path: string) {
  const v = await reopen(path)
  try {
    return v.auditLog().verify()
  } finally {
    v.close()
  }
}

describe('audit log: what is recorded', () => {
  it('records every kind of event, with who and which entry, and never a secret or a name', async () => {
    const { vault, path } = await create()
    const bm = vault.add({
      style: 'blazemeter',
      name: NAME,
      credential: { key: BM_ID, secret: BM_SECRET },
    })
    const g = vault.add({ style: 'generic', name: 'other', credential: { key: SECRET } })
    vault.reveal(bm.id, 'secret')
    vault.reveal(g.id, 'key', { as: 'copy' })
    vault.reveal(g.id, 'key', { as: 'get' })
    vault.reveal(g.id, 'key', { as: 'run', command: `/usr/local/bin/deploy --token=${SECRET}` })
    vault.audit({ action: 'run', entryIds: [g.id, bm.id], field: 'credential', command: 'npm' })
    vault.audit({ action: 'export', entryIds: [g.id], format: 'dotenv' })
    vault.update(g.id, { notes: `rotate with ${SECRET}` })
    vault.rotate(g.id, { credential: { key: `${SECRET}x` } })
    vault.revealHistory(g.id, 0, 'key', { as: 'copy' })
    vault.importEntries([
      { style: 'webpagetest', name: 'imported one', credential: { key: WPT_KEY } },
    ])
    vault.addMany([{ style: 'generic', name: 'bulk', credential: { key: `${SECRET}y` } }], 'import')
    vault.copyFileTo(join(tmp.dir, 'copy.kwdb'))
    vault.remove(g.id)
    vault.close()
    const locked = Vault.open(path, { lastSeenFile })
    await expect(locked.unlock('not the password')).rejects.toThrow(WrongPasswordError)
    locked.close()
    const v = await reopen(path, 'browser')
    const records = v.auditLog().list()
    const actions = records.map((r) => r.action)
    expect(actions).toEqual([
      'create',
      'add',
      'add',
      'reveal',
      'copy',
      'get',
      'run',
      'run',
      'run',
      'export',
      'edit',
      'rotate',
      'copy',
      'import',
      'import',
      'backup',
      'remove',
      'unlock-failed',
      'unlock',
    ])
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1))
    const user = userInfo().username
    expect(records.slice(0, -1).every((r) => r.actor === 'cli' && r.user === user)).toBe(true)
    expect(records.at(-1)).toMatchObject({ actor: 'browser', user, entryId: null })
    expect(records[3]).toMatchObject({ entryId: bm.id, detail: { field: 'secret' } })
    // Only the command's base name is kept: its arguments could hold anything.
    expect(records[6].detail).toEqual({ field: 'key', command: 'deploy' })
    expect(records[7]).toMatchObject({ entryId: g.id, detail: { field: 'credential' } })
    expect(records[9]).toMatchObject({ entryId: g.id, detail: { format: 'dotenv' } })
    expect(records[12].detail).toEqual({ field: 'key', history: 0 })
    expect(records[17].detail).toEqual({ recordedLocked: true })
    expect(
      v
        .auditLog()
        .list({ entryId: bm.id })
        .map((r) => r.action),
    ).toEqual(['add', 'reveal', 'run'])
    expect(v.auditLog().verify()).toEqual({ ok: true, count: records.length })
    v.close()

    const raw = rawBytes(path)
    for (const text of [SECRET, BM_SECRET, BM_ID, NAME, 'imported one', 'rotate with'])
      expect(raw.includes(Buffer.from(text)), text).toBe(false)
    const db = rawDb(path)
    const stored = db.prepare('SELECT * FROM audit_log').all()
    db.close()
    const dump = JSON.stringify(stored)
    for (const text of [SECRET, NAME, 'token']) expect(dump.includes(text), text).toBe(false)
  })

  it('names the backup in the log when a backup is written', async () => {
    const { vault } = await create()
    await writeBackup(vault, join(tmp.dir, 'b.kwbak'), {
      current: PASSWORD,
      backup: 'another long password',
    })
    expect(
      vault
        .auditLog()
        .list()
        .map((r) => r.action),
    ).toEqual(['create', 'backup'])
    vault.close()
  })

  it('folds failed unlocks into the chain at the next unlock, marked as recorded while locked', async () => {
    const { vault, path } = await create()
    vault.close()
    for (let i = 0; i < 2; i++) {
      const v = Vault.open(path, { lastSeenFile, actor: 'app' })
      await expect(v.unlock(`wrong ${i}`)).rejects.toThrow(WrongPasswordError)
      v.close()
    }
    const pending = rawDb(path)
    expect(pending.prepare('SELECT count(*) FROM audit_pending').pluck().get()).toBe(2)
    pending.close()
    const v = await reopen(path)
    const tail = v.auditLog().list().slice(1)
    expect(tail.map((r) => [r.action, r.actor, r.detail])).toEqual([
      ['unlock-failed', 'app', { recordedLocked: true }],
      ['unlock-failed', 'app', { recordedLocked: true }],
      ['unlock', 'cli', {}],
    ])
    expect(v.auditLog().verify().ok).toBe(true)
    v.close()
    const after = rawDb(path)
    expect(after.prepare('SELECT count(*) FROM audit_pending').pluck().get()).toBe(0)
    after.close()
  })

  it('writes a change and its record in one transaction, and reveals nothing it cannot record', async () => {
    const { vault, path } = await create()
    const e = vault.add({ style: 'generic', name: NAME, credential: { key: SECRET } })
    const refuse =
      "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'refused'); END"
    tamper(path, (db) => db.exec(refuse))
    expect(() =>
      vault.add({ style: 'generic', name: 'b', credential: { key: `${SECRET}b` } }),
    ).toThrow()
    expect(() => vault.update(e.id, { notes: 'x' })).toThrow()
    expect(() => vault.reveal(e.id, 'key')).toThrow()
    expect(vault.list().map((x) => [x.id, x.notes, x.version])).toEqual([[e.id, '', e.version]])
    tamper(path, (db) => db.exec('DROP TRIGGER no_audit'))
    expect(vault.reveal(e.id, 'key')).toBe(SECRET)
    expect(
      vault
        .auditLog()
        .list()
        .map((r) => r.action),
    ).toEqual(['create', 'add', 'reveal'])
    expect(vault.auditLog().verify().ok).toBe(true)
    vault.close()
    const again = await reopen(path)
    expect(again.list()).toHaveLength(1)
    expect(again.damaged()).toEqual([])
    again.close()
  })

  it('refuses audit events that could carry a name or a made-up action', async () => {
    const { vault } = await create()
    const e = vault.add({ style: 'generic', name: NAME, credential: { key: SECRET } })
    const bad = [
      { action: 'export', entryIds: [NAME] },
      { action: 'unlock' },
      { action: 'export', format: 'Dot Env' },
      { action: 'run', command: 'npm\nrun' },
      { action: 'export', count: -1 },
    ]
    for (const event of bad)
      expect(() => vault.audit(event as never), JSON.stringify(event)).toThrow(InvalidInputError)
    expect(() => vault.audit({ action: 'export', entryIds: [NAME] })).toThrow(
      /^(?!.*payments-prod)/,
    )
    expect(() => vault.reveal(e.id, 'key', { as: 'unlock' as never })).toThrow(InvalidInputError)
    expect(
      vault
        .auditLog()
        .list()
        .map((r) => r.action),
    ).toEqual(['create', 'add'])
    vault.close()
  })

  it('keeps one chain when two connections append in turn', async () => {
    const { vault, path } = await create()
    const e = vault.add({ style: 'generic', name: NAME, credential: { key: SECRET } })
    const other = await reopen(path, 'app')
    for (let i = 0; i < 3; i++) {
      vault.reveal(e.id, 'key')
      other.reveal(e.id, 'key', { as: 'copy' })
    }
    other.update(e.id, { notes: 'from the app' })
    vault.reveal(e.id, 'key')
    const records = vault.auditLog().list()
    expect(records.map((r) => `${r.actor}:${r.action}`).slice(2)).toEqual([
      'app:unlock',
      ...Array.from({ length: 3 }, () => ['cli:reveal', 'app:copy']).flat(),
      'app:edit',
      'cli:reveal',
    ])
    expect(records.some((r) => r.detail.tailCut)).toBe(false)
    expect(vault.auditLog().verify()).toEqual({ ok: true, count: records.length })
    expect(other.auditLog().verify()).toEqual({ ok: true, count: records.length })
    other.close()
    vault.close()
  })

  it('needs the vault unlocked to list or verify', async () => {
    const { vault } = await create()
    vault.lock()
    expect(() => vault.auditLog()).toThrow(/locked/i)
    vault.close()
  })
})

describe('audit log: tampering is detected', () => {
  it('an untouched log verifies', async () => {
    const { path } = await logged()
    expect(await verifyAfterReopen(path)).toEqual({ ok: true, count: 8 })
  })

  it('an edited record', async () => {
    const { path } = await logged()
    tamper(path, (db) => db.prepare(`UPDATE audit_log SET action = 'reveal' WHERE seq = 6`).run())
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 6 })
  })

  it('an edited time or entry id', async () => {
    const { path } = await logged()
    tamper(path, (db) => db.prepare('UPDATE audit_log SET at = at + 1 WHERE seq = 4').run())
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 4 })
    tamper(path, (db) => db.prepare('UPDATE audit_log SET at = at - 1 WHERE seq = 4').run())
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: true })
    tamper(path, (db) => db.prepare(`UPDATE audit_log SET entry_id = 'x' WHERE seq = 3`).run())
    const result = await verifyAfterReopen(path)
    expect(result).toMatchObject({ ok: false, seq: 3 })
    expect(result.ok === false && result.problem).toMatch(/does not match its MAC/)
  })

  it('two records reordered', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('UPDATE audit_log SET seq = 1000 WHERE seq = 4').run()
      db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = 5').run()
      db.prepare('UPDATE audit_log SET seq = 5 WHERE seq = 1000').run()
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 4 })
  })

  it('a record deleted from the middle', async () => {
    const { path } = await logged()
    tamper(path, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 3').run())
    const result = await verifyAfterReopen(path)
    expect(result).toMatchObject({ ok: false, seq: 3 })
    expect(result.ok === false && result.problem).toMatch(/missing/)
  })

  it('a record deleted from the middle and the rest renumbered', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 3').run()
      db.prepare('UPDATE audit_log SET seq = seq - 1 WHERE seq > 3').run()
      db.prepare('UPDATE audit_head SET seq = seq - 1').run()
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 3 })
  })

  it('the end cut off: seen at verify, and kept visible by the next record', async () => {
    const { path } = await logged()
    // While a vault has the file open, so that nothing is appended before verifying.
    const v = await reopen(path)
    tamper(path, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 6').run())
    const now = v.auditLog().verify()
    expect(now).toMatchObject({ ok: false, seq: 6 })
    expect(now.ok === false && now.problem).toMatch(/records 6 to 8 are missing/)
    v.close()
    // The next unlock appends (and writes a new head): the cut must stay visible.
    const result = await verifyAfterReopen(path)
    expect(result).toMatchObject({ ok: false, seq: 6 })
    expect(result.ok === false && result.problem).toMatch(/cut off/)
  })

  it('the end cut off and the head pointed at the new last record', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      const tag = db.prepare('SELECT link FROM audit_log WHERE seq = 6').pluck().get()
      db.prepare('DELETE FROM audit_log WHERE seq > 6').run()
      // The best an attacker can do: the last record's own link as the head's tag.
      db.prepare('UPDATE audit_head SET seq = 6, tag = ?').run(tag)
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 7 })
  })

  it('the end cut off with the head removed too', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 5').run()
      db.prepare('DELETE FROM audit_head').run()
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 6 })
  })

  it('the whole log removed, head included: the integrity record still vouches for it', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log').run()
      db.prepare('DELETE FROM audit_head').run()
    })
    const result = await verifyAfterReopen(path)
    expect(result).toMatchObject({ ok: false, seq: 1 })
  })

  it("the integrity record's anchor lowered: the integrity record no longer verifies", async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 2').run()
      db.prepare('DELETE FROM audit_head').run()
      db.prepare('UPDATE vault_header SET audit_seq = 2').run()
    })
    const v = await reopen(path)
    expect(v.damaged().map((d) => d.id)).toContain('vault-integrity-record')
    expect(v.auditLog().verify()).toMatchObject({ ok: false, seq: 3 })
    v.close()
  })

  it('a forged record appended', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare(
        `INSERT INTO audit_log (seq, at, actor, os_user, action, entry_id, detail, link)
         VALUES (8, 1, 'cli', 'mallory', 'unlock', NULL, NULL, randomblob(32))`,
      ).run()
      db.prepare('UPDATE audit_head SET seq = 8, tag = randomblob(32)').run()
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 8 })
  })

  it('a forged record inserted in the middle', async () => {
    const { path } = await logged()
    tamper(path, (db) => {
      db.prepare('UPDATE audit_log SET seq = -seq WHERE seq >= 4').run()
      db.prepare('UPDATE audit_log SET seq = 1 - seq WHERE seq < 0').run()
      db.prepare(
        `INSERT INTO audit_log (seq, at, actor, os_user, action, entry_id, detail, link)
         SELECT 4, at, actor, os_user, 'edit', entry_id, detail, link FROM audit_log WHERE seq = 3`,
      ).run()
      db.prepare('UPDATE audit_head SET seq = seq + 1').run()
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 4 })
  })

  it('a record copied from another vault', async () => {
    const { path } = await logged()
    const other = join(tmp.dir, 'other')
    const otherPath = join(other, 'vault.kwdb')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(other)
    const o = await Vault.create(otherPath, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
    o.close()
    const foreign = rawDb(otherPath)
    const row = foreign.prepare('SELECT * FROM audit_log WHERE seq = 1').get() as object
    foreign.close()
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 1').run()
      db.prepare(
        `INSERT INTO audit_log (seq, at, actor, os_user, action, entry_id, detail, link)
         VALUES (@seq, @at, @actor, @os_user, @action, @entry_id, @detail, @link)`,
      ).run(row)
    })
    expect(await verifyAfterReopen(path)).toMatchObject({ ok: false, seq: 1 })
  })
})
