/**
 * Backup and restore on real vault files: every field, the history of old keys, reminder state
 * and settings come back; the backup opens only with its own password; a restored vault that is
 * older than what this machine saw needs acceptOlder.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault, VaultOlderError, WrongPasswordError } from '../../src-main/vault'
import { restoreBackup, writeBackup } from '../../src-main/vault/backup'
import { BM_ID, BM_SECRET, FAST_KDF, PASSWORD, UP_KEY, WPT_KEY, tempDir } from '../vault/helpers'

const BACKUP_PASSWORD = 'a different backup passphrase'
const NEW_PASSWORD = 'the restored vault password'

let tmp: ReturnType<typeof tempDir>
let seen: string
let vault: Vault
let path: string
beforeEach(async () => {
  tmp = tempDir()
  seen = join(tmp.dir, 'last-seen.json')
  path = join(tmp.dir, 'vault.kwdb')
  vault = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile: seen })
})
afterEach(() => {
  vault.close()
  tmp.cleanup()
})

/** A vault with three styles, a rotated key (history), reminder state and a setting. */
function fill(): void {
  const now = Date.now()
  const up = vault.add({
    style: 'userplane',
    name: 'dashboard',
    credential: { key: UP_KEY },
    scope: { account: 'dana' },
    tags: ['ui', 'prod'],
    notes: 'rotated monthly',
    environment: 'production',
    expiresAt: now + 30 * 86_400_000,
    lastRotatedAt: now,
  })
  vault.rotate(up.id, { credential: { key: 'uspl_SecondKeySecondKeySecondKeySecondKe1' } })
  vault.add({
    style: 'blazemeter',
    name: 'load tests',
    credential: { key: BM_ID, secret: BM_SECRET },
    baseUrl: 'https://a.blazemeter.com/api/v4',
    rotationPolicyDays: 60,
  })
  const wpt = vault.add({ style: 'webpagetest', name: 'wpt', credential: { key: WPT_KEY } })
  vault.recordValidation(wpt.id, 'valid', now - 1000)
  vault.putReminderStates([
    {
      entryId: up.id,
      kind: 'expires-soon',
      threshold: 30,
      notifiedAt: now - 5000,
      snoozedUntil: null,
      dismissed: false,
    },
    {
      entryId: wpt.id,
      kind: 'rotation-due',
      threshold: 0,
      notifiedAt: null,
      snoozedUntil: now + 86_400_000,
      dismissed: true,
    },
  ])
  vault.setSetting('historyLimit', 7)
}

/** Everything a vault holds, secrets included, in a comparable form. */
function snapshot(v: Vault) {
  return {
    entries: v.list().map((e) => ({
      ...e,
      key: v.reveal(e.id, 'key'),
      secret: e.hasSecret ? v.reveal(e.id, 'secret') : null,
      history: v.history(e.id).map((h) => ({ ...h, key: v.revealHistory(e.id, h.index, 'key') })),
    })),
    reminders: v.reminderState(),
    historyLimit: v.getSetting('historyLimit'),
  }
}

describe('backup and restore', () => {
  it('round trip: every field, history and reminder state; each file opens with its own password', async () => {
    fill()
    const before = snapshot(vault)
    expect(before.entries[0].history).toHaveLength(1)
    const backup = join(tmp.dir, 'vault.backup')
    await writeBackup(vault, backup, { current: PASSWORD, backup: BACKUP_PASSWORD })
    expect(statSync(backup).mode & 0o777).toBe(0o600)

    const restored = join(tmp.dir, 'restored.kwdb')
    const { entries } = await restoreBackup(backup, restored, {
      backup: BACKUP_PASSWORD,
      next: NEW_PASSWORD,
    })
    expect(entries).toBe(3)
    expect(statSync(restored).mode & 0o777).toBe(0o600)

    const copy = Vault.open(restored, { lastSeenFile: seen })
    try {
      await expect(copy.unlock(BACKUP_PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError)
      await copy.unlock(NEW_PASSWORD)
      expect(copy.vaultId).toBe(vault.vaultId)
      expect(snapshot(copy)).toEqual(before)
      expect(copy.damaged()).toEqual([])
    } finally {
      copy.close()
    }
    // The backup itself opens with the backup password only.
    const raw = Vault.open(backup, { lastSeenFile: join(tmp.dir, 'other-seen.json') })
    try {
      await expect(raw.unlock(PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError)
    } finally {
      raw.close()
    }
  })

  it('a restored older state passes the rollback check only with acceptOlder', async () => {
    fill()
    const backup = join(tmp.dir, 'vault.backup')
    await writeBackup(vault, backup, { current: PASSWORD, backup: BACKUP_PASSWORD })
    vault.add({
      style: 'generic',
      name: 'after the backup',
      credential: { key: 'generic-secret-after-backup' },
    })
    const restored = join(tmp.dir, 'restored.kwdb')
    await restoreBackup(backup, restored, { backup: BACKUP_PASSWORD })
    const copy = Vault.open(restored, { lastSeenFile: seen })
    try {
      await expect(copy.unlock(BACKUP_PASSWORD)).rejects.toBeInstanceOf(VaultOlderError)
      await copy.unlock(BACKUP_PASSWORD, { acceptOlder: true })
      expect(copy.list().map((e) => e.name)).toEqual(['dashboard', 'load tests', 'wpt'])
    } finally {
      copy.close()
    }
  })

  it('refuses to overwrite without force, a wrong backup password, and a file that is no vault', async () => {
    fill()
    const backup = join(tmp.dir, 'vault.backup')
    await writeBackup(vault, backup, { current: PASSWORD, backup: BACKUP_PASSWORD })
    await expect(
      writeBackup(vault, backup, { current: PASSWORD, backup: BACKUP_PASSWORD }),
    ).rejects.toThrow(/already exists/)
    await writeBackup(
      vault,
      backup,
      { current: PASSWORD, backup: BACKUP_PASSWORD },
      { force: true },
    )

    const target = join(tmp.dir, 'target.kwdb')
    writeFileSync(target, 'something precious')
    await expect(restoreBackup(backup, target, { backup: BACKUP_PASSWORD })).rejects.toThrow(
      /already exists/,
    )
    await expect(
      restoreBackup(backup, join(tmp.dir, 'x.kwdb'), { backup: 'not the backup password' }),
    ).rejects.toBeInstanceOf(WrongPasswordError)
    expect(existsSync(join(tmp.dir, 'x.kwdb'))).toBe(false)
    await restoreBackup(backup, target, { backup: BACKUP_PASSWORD }, { force: true })
    const notVault = join(tmp.dir, 'notes.txt')
    writeFileSync(notVault, 'hello')
    await expect(
      restoreBackup(notVault, join(tmp.dir, 'y.kwdb'), { backup: BACKUP_PASSWORD }),
    ).rejects.toThrow(/not a Keywarden vault/)
  })

  it('a backup with a tampered entry is refused at restore', async () => {
    fill()
    const backup = join(tmp.dir, 'vault.backup')
    await writeBackup(vault, backup, { current: PASSWORD, backup: BACKUP_PASSWORD })
    const { rawDb } = await import('../vault/helpers')
    const db = rawDb(backup)
    db.prepare("UPDATE entries SET status = 'revoked' WHERE rowid = 1").run()
    db.close()
    await expect(
      restoreBackup(backup, join(tmp.dir, 'r.kwdb'), { backup: BACKUP_PASSWORD }),
    ).rejects.toThrow(/damaged/)
  })
})
