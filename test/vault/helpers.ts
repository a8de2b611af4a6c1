/** Shared fixtures for the vault tests: temp folders, small Argon2 parameters, a fake clock. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../src-main/db/sqlite'
import { VAULT_MIGRATIONS } from '../../src-main/vault/migrations'
import { Vault, type EntryInput, type KdfParams } from '../../src-main/vault'

/** Argon2id at libsodium's minimum: the tests exercise the format, not the KDF's cost. */
export const FAST_KDF: KdfParams = { opsLimit: 1, memLimitBytes: 8192 }
export const PASSWORD = 'correct horse battery staple'

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kw-vault-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A settable clock starting at a fixed time. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): {
  now: () => number
  advance: (ms: number) => void
  set: (t: number) => void
} {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms), set: (v) => (t = v) }
}

/** A new unlocked vault in a temp folder. */
export async function newVault(
  dir: string,
  now?: () => number,
  name = 'vault.kwdb',
): Promise<{ vault: Vault; path: string }> {
  const path = join(dir, name)
  const vault = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, now })
  return { vault, path }
}

/** Raw access to a vault file through the storage layer (for tampering). */
export function rawDb(path: string): Db {
  return openDatabase(path, { migrations: VAULT_MIGRATIONS })
}

export const WPT_KEY = 'A.0123456789abcdef0123456789abcdef'
export const UP_KEY = 'uspl_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
export const BM_ID = '0123456789abcdef01234567'
export const BM_SECRET = '0123456789abcdef'.repeat(4) + '01234567'

export function genericInput(i: number, extra: Partial<EntryInput> = {}): EntryInput {
  return {
    style: 'generic',
    name: `service ${i}`,
    credential: { key: `gk-${i}-secretvalue` },
    ...extra,
  }
}
