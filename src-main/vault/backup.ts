/**
 * Backups. A backup is a copy of the vault file, taken in one read transaction, whose vault key
 * is wrapped again under the backup's own password: the same format, the same vault id, every
 * sealed entry with its history, reminder state, settings and integrity record exactly as they
 * were. Nothing is decrypted to make it. The copy shares the vault key, so whoever has a backup
 * and its password can read the entries it holds (as with any backup), and a later change of
 * the master password does not change the backup's password.
 *
 * A restore copies a backup to a new file, checks it opens (password, integrity record, every
 * entry) and optionally sets a new master password. It keeps the vault id, so a machine that saw
 * a newer state of this vault asks before opening it (`--accept-older`), as for any rollback.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { InvalidInputError, LockedError, NotAVaultError, VaultError } from './errors'
import { looksLikeSqlite } from './file-check'
import { Vault } from './vault'

/** SQLite's companions of a database file (write-ahead log, shared memory). */
function removeWithCompanions(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true })
}

function refuseExisting(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force)
    throw new InvalidInputError(`A file already exists at ${path}; give --force to replace it.`)
}

/** Put a finished temp file in place of `target`, never mixing it with the old one's log. */
function moveInto(tmp: string, target: string): void {
  for (const p of [`${target}-wal`, `${target}-shm`]) rmSync(p, { force: true })
  renameSync(tmp, target)
}

/**
 * Write a backup of an unlocked vault to `file` under `passwords.backup`. `passwords.current` is
 * the vault's password (it unwraps the key in the copy). The file is written mode 0600 through
 * a temp file: an interrupted backup leaves no half file at `file`.
 */
export async function writeBackup(
  vault: Vault,
  file: string,
  passwords: { current: string; backup: string },
  options: { force?: boolean } = {},
): Promise<void> {
  if (!vault.isUnlocked) throw new LockedError()
  refuseExisting(file, options.force)
  const tmp = `${file}.${process.pid}.tmp`
  removeWithCompanions(tmp)
  try {
    closeSync(openSync(tmp, 'wx', 0o600))
    vault.copyFileTo(tmp)
    chmodSync(tmp, 0o600)
    // A throwaway last-seen record: making the backup is not opening the vault on this machine.
    const copy = Vault.open(tmp, { lastSeenFile: `${tmp}.seen.json` })
    try {
      await copy.changePassword(passwords.current, passwords.backup)
    } finally {
      copy.close()
    }
    moveInto(tmp, file)
  } finally {
    removeWithCompanions(tmp)
    rmSync(`${tmp}.seen.json`, { force: true })
  }
}

/**
 * Restore the backup at `file` into a new vault file `target` (refused if it exists, unless
 * `force`). The backup is checked to open with `passwords.backup`, with an intact integrity
 * record and no damaged entry; `passwords.next`, if given, becomes the new vault's password.
 * Returns how many entries it holds.
 */
export async function restoreBackup(
  file: string,
  target: string,
  passwords: { backup: string; next?: string },
  options: { force?: boolean } = {},
): Promise<{ entries: number }> {
  refuseExisting(target, options.force)
  const tmp = `${target}.${process.pid}.tmp`
  removeWithCompanions(tmp)
  try {
    // Only the copy is opened: opening a file writes to it (journal mode, migrations).
    if (!existsSync(file)) throw new NotAVaultError(file, 'no such file')
    if (!looksLikeSqlite(file)) throw new NotAVaultError(file)
    copyFileSync(file, tmp)
    chmodSync(tmp, 0o600)
    let copy: Vault
    try {
      copy = Vault.open(tmp, { lastSeenFile: `${tmp}.seen.json` })
    } catch (error) {
      if (error instanceof NotAVaultError) throw new NotAVaultError(file)
      throw error
    }
    let entries: number
    try {
      // The machine's own last-seen record is left alone: whether to accept an older state of
      // this vault is asked when the restored vault is next opened.
      await copy.unlock(passwords.backup, { acceptOlder: true })
      const damaged = copy.damaged()
      if (damaged.length > 0)
        throw new VaultError(
          'VAULT_DAMAGED',
          `The backup is damaged: ${damaged.length} entr${damaged.length === 1 ? 'y does' : 'ies do'} not open as written (${damaged[0].reason}).`,
        )
      entries = copy.list().length
      copy.lock()
      if (passwords.next !== undefined) await copy.changePassword(passwords.backup, passwords.next)
    } finally {
      copy.close()
    }
    moveInto(tmp, target)
    return { entries }
  } finally {
    removeWithCompanions(tmp)
    rmSync(`${tmp}.seen.json`, { force: true })
  }
}
