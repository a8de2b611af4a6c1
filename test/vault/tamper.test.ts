import {
  closeSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../src-main/db/sqlite'
import {
  EntryTamperedError,
  NewerVersionError,
  NotAVaultError,
  Vault,
  WrongPasswordError,
} from '../../src-main/vault'
import { VAULT_MIGRATIONS } from '../../src-main/vault/migrations'
import { BM_ID, BM_SECRET, PASSWORD, genericInput, newVault, rawDb, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

/** The ids of the entries a vault could not open at unlock, sorted. */
function damagedIds(v: Vault): string[] {
  return v
    .damaged()
    .map((d) => d.id)
    .sort()
}

/** A vault with two BlazeMeter entries (each with key and secret) and one rotation each. */
async function fixture(): Promise<{ path: string; a: string; b: string }> {
  const { vault, path } = await newVault(tmp.dir)
  const [a, b] = vault.addMany([
    { style: 'blazemeter', name: 'alpha', credential: { key: BM_ID, secret: BM_SECRET } },
    {
      style: 'blazemeter',
      name: 'beta',
      credential: { key: 'f'.repeat(24), secret: 'e'.repeat(72) },
    },
  ])
  vault.rotate(a.id, { credential: { key: BM_ID, secret: 'a'.repeat(72) } })
  vault.rotate(b.id, { credential: { key: 'f'.repeat(24), secret: 'b'.repeat(72) } })
  vault.close()
  return { path, a: a.id, b: b.id }
}

async function unlocked(path: string): Promise<Vault> {
  const v = Vault.open(path)
  await v.unlock(PASSWORD)
  return v
}

function flipByte(blob: Buffer, at: number): Buffer {
  const copy = Buffer.from(blob)
  copy[at] ^= 0x01
  return copy
}

describe('tampering with encrypted columns', () => {
  for (const column of ['meta_ct', 'key_ct', 'secret_ct'] as const) {
    for (const where of ['nonce', 'body', 'tag', 'truncated'] as const) {
      it(`detects ${where} damage in entries.${column}, names the entry, keeps the others`, async () => {
        const { path, a, b } = await fixture()
        const db = rawDb(path)
        const blob = (
          db.prepare(`SELECT ${column} AS v FROM entries WHERE id = ?`).get(a) as { v: Buffer }
        ).v
        const damaged =
          where === 'nonce'
            ? flipByte(blob, 3)
            : where === 'body'
              ? flipByte(blob, 30)
              : where === 'tag'
                ? flipByte(blob, blob.length - 1)
                : blob.subarray(0, blob.length - 5)
        db.prepare(`UPDATE entries SET ${column} = ? WHERE id = ?`).run(damaged, a)
        db.close()
        const v = await unlocked(path)
        if (column === 'meta_ct') {
          expect(v.damaged()).toEqual([
            { id: a, reason: expect.stringMatching(/modified, truncated or moved/) },
          ])
          expect(v.list().map((e) => e.id)).toEqual([b])
          expect(() => v.get(a)).toThrow(EntryTamperedError)
        } else {
          const field = column === 'key_ct' ? 'key' : 'secret'
          expect(() => v.reveal(a, field)).toThrow(EntryTamperedError)
          expect(() => v.reveal(a, field)).toThrow(new RegExp(a))
          expect(v.list()).toHaveLength(2)
        }
        expect(v.reveal(b, 'secret')).toBe('b'.repeat(72))
        v.close()
      })
    }
  }

  it('detects damage in a history item', async () => {
    const { path, a, b } = await fixture()
    const db = rawDb(path)
    const blob = (
      db.prepare('SELECT secret_ct AS v FROM entry_history WHERE entry_id = ?').get(a) as {
        v: Buffer
      }
    ).v
    db.prepare('UPDATE entry_history SET secret_ct = ? WHERE entry_id = ?').run(
      flipByte(blob, 40),
      a,
    )
    db.close()
    const v = await unlocked(path)
    expect(() => v.revealHistory(a, 0, 'secret')).toThrow(EntryTamperedError)
    expect(v.revealHistory(a, 0, 'key')).toBe(BM_ID)
    expect(v.revealHistory(b, 0, 'secret')).toBe('e'.repeat(72))
    v.close()
  })

  it('detects edits of the clear columns the sealed blob vouches for', async () => {
    const { path, a, b } = await fixture()
    const db = rawDb(path)
    db.prepare('UPDATE entries SET expires_at = 99999999999999 WHERE id = ?').run(a)
    db.prepare("UPDATE entries SET status = 'revoked' WHERE id = ?").run(b)
    db.close()
    const v = await unlocked(path)
    expect(damagedIds(v)).toEqual([a, b].sort())
    expect(v.damaged()[0].reason).toMatch(/clear metadata they vouch for/)
    v.close()
  })

  it('detects a damaged wrapped key or KDF header as a wrong password', async () => {
    for (const edit of [
      'UPDATE vault_header SET kdf_ops = kdf_ops + 1',
      'UPDATE vault_header SET kdf_salt = zeroblob(16)',
      'UPDATE vault_header SET wrapped_key = substr(wrapped_key, 1, 40)',
    ]) {
      const { vault, path } = await newVault(
        tmp.dir,
        undefined,
        `${edit.length}-${Math.random()}.kwdb`,
      )
      vault.close()
      const db = rawDb(path)
      db.exec(edit)
      db.close()
      const v = Vault.open(path)
      await expect(v.unlock(PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError)
      v.close()
    }
  })
})

describe('ciphertexts moved between rows and fields', () => {
  const moves: [string, string][] = [
    ['UPDATE entries SET key_ct = (SELECT key_ct FROM entries WHERE id = @b) WHERE id = @a', 'key'],
    [
      'UPDATE entries SET secret_ct = (SELECT secret_ct FROM entries WHERE id = @b) WHERE id = @a',
      'secret',
    ],
    ['UPDATE entries SET key_ct = secret_ct WHERE id = @a', 'key'],
    ['UPDATE entries SET secret_ct = key_ct WHERE id = @a', 'secret'],
    [
      'UPDATE entries SET secret_ct = (SELECT secret_ct FROM entry_history WHERE entry_id = @a) WHERE id = @a',
      'secret',
    ],
  ]
  for (const [sql, field] of moves) {
    it(`refuses: ${sql}`, async () => {
      const { path, a } = await fixture()
      const db = rawDb(path)
      db.prepare(sql).run({
        a: a,
        b: (db.prepare('SELECT id FROM entries WHERE id != ?').get(a) as { id: string }).id,
      })
      db.close()
      const v = await unlocked(path)
      expect(() => v.reveal(a, field as 'key' | 'secret')).toThrow(EntryTamperedError)
      v.close()
    })
  }

  it('refuses a descriptive blob swapped between two entries (both named damaged)', async () => {
    const { path, a, b } = await fixture()
    const db = rawDb(path)
    const ma = (db.prepare('SELECT meta_ct AS v FROM entries WHERE id = ?').get(a) as { v: Buffer })
      .v
    const mb = (db.prepare('SELECT meta_ct AS v FROM entries WHERE id = ?').get(b) as { v: Buffer })
      .v
    db.prepare('UPDATE entries SET meta_ct = ? WHERE id = ?').run(mb, a)
    db.prepare('UPDATE entries SET meta_ct = ? WHERE id = ?').run(ma, b)
    db.close()
    const v = await unlocked(path)
    expect(damagedIds(v)).toEqual([a, b].sort())
    v.close()
  })

  it('refuses an entry copied into another vault with the same password', async () => {
    const { path, a } = await fixture()
    const { vault: other, path: otherPath } = await newVault(tmp.dir, undefined, 'other.kwdb')
    other.close()
    const src = rawDb(path)
    const row = src.prepare('SELECT * FROM entries WHERE id = ?').get(a) as Record<string, unknown>
    src.close()
    const dst = rawDb(otherPath)
    const cols = Object.keys(row)
    dst
      .prepare(
        `INSERT INTO entries (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`,
      )
      .run(row)
    dst.close()
    const v = await unlocked(otherPath)
    expect(v.damaged().map((d) => d.id)).toEqual([a])
    v.close()
  })
})

describe('files that are not vaults', () => {
  it('refuses a missing, empty, garbage or truncated file and a foreign SQLite database', async () => {
    const garbage = join(tmp.dir, 'garbage.kwdb')
    writeFileSync(garbage, Buffer.alloc(8192, 7))
    const empty = join(tmp.dir, 'empty.kwdb')
    writeFileSync(empty, '')
    const foreign = join(tmp.dir, 'foreign.db')
    const foreignMigrations = [
      { version: 1, name: 'x', up: (db: Db) => db.exec('CREATE TABLE notes (t TEXT)') },
    ]
    const fdb = openDatabase(foreign, { migrations: foreignMigrations })
    fdb.close()
    // Most databases never set user_version: migration 0001 must refuse them, not convert them.
    const foreign0 = join(tmp.dir, 'foreign0.db')
    const f0 = openDatabase(foreign0, { migrations: [] })
    f0.exec('CREATE TABLE notes (t TEXT)')
    f0.close()
    const { vault, path } = await newVault(tmp.dir)
    vault.addMany(
      Array.from({ length: 200 }, (_, i) => genericInput(i, { notes: 'x'.repeat(500) })),
    )
    vault.close()
    const truncated = join(tmp.dir, 'truncated.kwdb')
    writeFileSync(truncated, readFileSync(path).subarray(0, Math.floor(statSync(path).size / 3)))
    const headerless = join(tmp.dir, 'headerless.kwdb')
    writeFileSync(
      headerless,
      Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xff)]),
    )
    for (const p of [
      join(tmp.dir, 'missing.kwdb'),
      garbage,
      empty,
      foreign,
      foreign0,
      headerless,
    ]) {
      expect(() => Vault.open(p)).toThrow(NotAVaultError)
      expect(() => Vault.open(p)).toThrow(/not a Keywarden vault|no such file/)
    }
    // The foreign database is left as it was.
    const check = openDatabase(foreign, { migrations: foreignMigrations, create: false })
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'notes' },
    ])
    check.close()
    const check0 = openDatabase(foreign0, { migrations: [], create: false })
    expect(check0.pragma('user_version', { simple: true })).toBe(0)
    expect(check0.prepare('SELECT name FROM sqlite_master').all()).toEqual([{ name: 'notes' }])
    check0.close()
    // A vault cut short either refuses to open or opens and reports what it cannot read.
    let outcome: string
    try {
      const v = Vault.open(truncated)
      try {
        await v.unlock(PASSWORD)
        outcome = `opened with ${v.list().length} entries`
      } catch (error) {
        outcome = (error as { code?: string }).code ?? 'other'
      }
      v.close()
    } catch (error) {
      outcome = (error as { code?: string }).code ?? 'other'
    }
    expect(outcome).toMatch(/NOT_A_VAULT|opened with/)
  })

  it('refuses a file whose pages were overwritten with garbage', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.close()
    const fd = openSync(path, 'r+')
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096)
    closeSync(fd)
    truncateSync(path, 4096 * 2)
    let code = 'opened'
    try {
      const v = Vault.open(path)
      await v.unlock(PASSWORD).catch((e: { code: string }) => (code = e.code))
      v.close()
    } catch (error) {
      code = (error as { code: string }).code
    }
    expect(code).toMatch(/NOT_A_VAULT/)
  })
})

describe('migrations', () => {
  it('0001 creates the schema in an empty file, marks it, and records user_version 1', async () => {
    const path = join(tmp.dir, 'm.kwdb')
    const db = openDatabase(path, { migrations: VAULT_MIGRATIONS.slice(0, 1) })
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.pragma('application_id', { simple: true })).toBe(0x4b575654)
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string; sql: string }[]
    expect(tables.map((t) => t.name)).toEqual([
      'entries',
      'entry_history',
      'reminder_state',
      'settings',
      'vault_header',
    ])
    for (const t of tables) expect(t.sql).toMatch(/STRICT$/)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('refuses a vault written by a newer version', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.close()
    const db = rawDb(path)
    db.pragma('user_version = 4')
    db.close()
    expect(() => Vault.open(path)).toThrow(NewerVersionError)
    expect(() => Vault.open(path)).toThrow(
      /newer version of Keywarden \(format 4; this version understands up to 3\)/,
    )
  })
})
