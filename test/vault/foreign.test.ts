import { chmodSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ForeignDatabaseError,
  openDatabase,
  schemaVersion,
  type Db,
} from '../../src-main/db/sqlite'
import { KEYSERVER_MIGRATIONS } from '../../src-main/keyserver/migrations'
import { KEYSERVER_APPLICATION_ID } from '../../src-main/keyserver/migrations/0011-application-id'
import { NotAVaultError, Vault } from '../../src-main/vault'
import { VAULT_APPLICATION_ID } from '../../src-main/vault/migrations/0001-initial'
import { newVault, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

/** A SQLite file of "another program": a schema version, its own application_id, rollback journal, mode 0644. */
function foreignFile(name: string, applicationId: number, userVersion = 3): string {
  const path = join(tmp.dir, name)
  const db = openDatabase(path, {
    migrations: [{ version: 1, name: 'x', up: (d: Db) => d.exec('CREATE TABLE notes (t TEXT)') }],
  })
  db.pragma(`application_id = ${applicationId}`)
  db.pragma(`user_version = ${userVersion}`)
  db.pragma('journal_mode = DELETE')
  db.close()
  chmodSync(path, 0o644)
  return path
}

/** What opening must not change: the bytes (header included: bytes 18-19 say WAL or not) and the mode. */
function fingerprint(path: string): { bytes: string; mode: number } {
  return { bytes: readFileSync(path).toString('base64'), mode: statSync(path).mode & 0o777 }
}

describe('application_id: each kind of Keywarden database refuses the others untouched', () => {
  it('stamps vaults and key server databases with their own ids', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.close()
    const ks = openDatabase(join(tmp.dir, 'ks.sqlite'), { migrations: KEYSERVER_MIGRATIONS })
    expect(ks.pragma('application_id', { simple: true })).toBe(KEYSERVER_APPLICATION_ID)
    ks.close()
    const raw = readFileSync(path)
    expect(raw.readUInt32BE(68)).toBe(VAULT_APPLICATION_ID)
    expect(VAULT_APPLICATION_ID).not.toBe(KEYSERVER_APPLICATION_ID)
  })

  it('refuses a foreign database before changing its mode or journal', () => {
    const path = foreignFile('other.db', 0x12345678)
    const before = fingerprint(path)
    expect(readFileSync(path)[18]).toBe(1) // rollback journal, not WAL
    expect(() => Vault.open(path)).toThrow(NotAVaultError)
    expect(() => Vault.open(path)).toThrow(/another program \(left untouched\)/)
    expect(() => openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })).toThrow(
      ForeignDatabaseError,
    )
    expect(fingerprint(path)).toEqual(before)
  })

  it('refuses a foreign database without an application_id, with or without a schema version', () => {
    for (const [name, version] of [
      ['plain.db', 12],
      ['unversioned.db', 0],
    ] as const) {
      const path = foreignFile(name, 0, version)
      const before = fingerprint(path)
      expect(() => Vault.open(path)).toThrow(NotAVaultError)
      expect(() => openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })).toThrow(
        ForeignDatabaseError,
      )
      expect(fingerprint(path)).toEqual(before)
    }
  })

  it('a vault is not a key server database and a key server database is not a vault', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.close()
    const vaultBefore = fingerprint(path)
    expect(() => openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })).toThrow(
      /another program \(or another kind of Keywarden file\); it was left untouched/,
    )
    expect(fingerprint(path)).toEqual(vaultBefore)
    const ksPath = join(tmp.dir, 'ks.sqlite')
    openDatabase(ksPath, { migrations: KEYSERVER_MIGRATIONS }).close()
    const ksBefore = fingerprint(ksPath)
    expect(() => Vault.open(ksPath)).toThrow(NotAVaultError)
    expect(fingerprint(ksPath)).toEqual(ksBefore)
  })

  it('accepts and stamps a key server database written before it had an application_id', () => {
    const path = join(tmp.dir, 'old-ks.sqlite')
    openDatabase(path, { migrations: KEYSERVER_MIGRATIONS.filter((m) => m.version < 11) }).close()
    const db = openDatabase(path, { migrations: KEYSERVER_MIGRATIONS })
    expect(schemaVersion(db)).toBe(Math.max(...KEYSERVER_MIGRATIONS.map((m) => m.version)))
    expect(db.pragma('application_id', { simple: true })).toBe(KEYSERVER_APPLICATION_ID)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'keys'").get()).toEqual(
      { n: 1 },
    )
    db.close()
  })
})
