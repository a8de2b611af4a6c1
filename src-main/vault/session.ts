/**
 * The vault session: the master password, the key-encryption key and the vault key's lifetime.
 * Unlock derives the KEK (Argon2id, off the main thread) and opens the wrapped vault key, with
 * a wrong-password back-off kept in the file; lock zeroes the key.
 */
import { performance } from 'node:perf_hooks'
import { cryptoReady, open, randomBytes, seal, SALT_BYTES, associatedData, wipe } from './crypto'
import { BackoffError, InvalidInputError, VaultDamagedError, WrongPasswordError } from './errors'
import { deriveKekOffThread } from './kdf'
import type { HeaderRow, VaultStore } from './store'
import type { KdfParams } from './types'

export const KDF_ALG = 'argon2id13'
/** Wrong passwords allowed before the back-off starts, its first step and its ceiling. */
const FREE_TRIES = 3
const BACKOFF_BASE_MS = 1000
const BACKOFF_MAX_MS = 5 * 60_000

/**
 * Bounds on the KDF parameters a header may carry. A header outside them is a damaged (or
 * hostile) file: ops = 1e9 would hang the unlock for years, 64 GiB would exhaust memory.
 */
export const KDF_HEADER_BOUNDS = { opsMin: 1, opsMax: 10, memMin: 8192, memMax: 1024 ** 3 }

/** How long a caller must wait after `failures` wrong passwords in a row. */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_TRIES) return 0
  return Math.min(BACKOFF_BASE_MS * 2 ** (failures - FREE_TRIES), BACKOFF_MAX_MS)
}

/**
 * The wait left after `failures` wrong passwords, the last at `lastAt` on the wall clock. Never
 * more than the full wait: a clock set back cannot stretch it (see Session.retryAfterMs).
 */
export function backoffLeftMs(failures: number, lastAt: number | null, now: number): number {
  const wait = backoffDelayMs(failures)
  if (wait === 0 || lastAt === null) return 0
  return Math.max(0, Math.min(lastAt + wait - now, wait))
}

function wrapAd(
  vaultId: string,
  kdf: { alg: string; ops: number; mem: number; salt: Uint8Array },
): Uint8Array {
  // The KDF header is bound to the wrapped key: editing the parameters or salt is detected.
  return associatedData(
    vaultId,
    '',
    `vault-key/${kdf.alg}/${kdf.ops}/${kdf.mem}/${Buffer.from(kdf.salt).toString('hex')}`,
  )
}

/** Why a header's KDF parameters cannot be used, or null. */
export function headerKdfProblem(header: HeaderRow): string | null {
  const b = KDF_HEADER_BOUNDS
  if (header.kdf_alg !== KDF_ALG) return `unknown key derivation "${header.kdf_alg.slice(0, 20)}".`
  if (
    !Number.isSafeInteger(header.kdf_ops) ||
    header.kdf_ops < b.opsMin ||
    header.kdf_ops > b.opsMax
  )
    return `its key derivation passes are out of bounds (${b.opsMin} to ${b.opsMax}).`
  if (
    !Number.isSafeInteger(header.kdf_mem) ||
    header.kdf_mem < b.memMin ||
    header.kdf_mem > b.memMax
  )
    return 'its key derivation memory is out of bounds (8 KiB to 1 GiB).'
  if (header.kdf_salt.length !== SALT_BYTES) return 'its key derivation salt has the wrong length.'
  return null
}

export function checkPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length === 0)
    throw new InvalidInputError('The password must not be empty.')
  if (password.length > 1024)
    throw new InvalidInputError('The password is longer than 1024 characters.')
}

/** Seal a vault key under a password: the header columns that hold it. */
export async function wrapVaultKey(
  vaultId: string,
  vaultKey: Uint8Array,
  password: string,
  params: KdfParams,
): Promise<Pick<HeaderRow, 'kdf_alg' | 'kdf_ops' | 'kdf_mem' | 'kdf_salt' | 'wrapped_key'>> {
  const salt = randomBytes(SALT_BYTES)
  const kek = await deriveKekOffThread(password, salt, params)
  const kdfRow = { alg: KDF_ALG, ops: params.opsLimit, mem: params.memLimitBytes, salt }
  const wrapped = seal(kek, vaultKey, wrapAd(vaultId, kdfRow))
  wipe(kek)
  return {
    kdf_alg: KDF_ALG,
    kdf_ops: params.opsLimit,
    kdf_mem: params.memLimitBytes,
    kdf_salt: salt,
    wrapped_key: wrapped,
  }
}

/** Opens the vault key from a password, one try at a time, with the back-off. */
export class PasswordGate {
  private queue: Promise<unknown> = Promise.resolve()
  /** Monotonic time of this process's last wrong password (the wall clock may jump). */
  private lastFailureMono: number | null = null

  constructor(
    private readonly store: VaultStore,
    private readonly now: () => number,
    private readonly isClosed: () => boolean,
  ) {}

  /**
   * How long until the next try is allowed. The wait is counted on the wall clock (kept in the
   * file, so it holds across processes) and, within this process, on the monotonic clock: the
   * smaller wins, and a wall clock set back re-anchors the stored time, so the wait always ends.
   */
  retryAfterMs(): number {
    const header = this.store.header() as HeaderRow
    const wait = backoffDelayMs(header.failed_attempts)
    if (wait === 0 || header.last_failure_at === null) return 0
    const now = this.now()
    if (now < header.last_failure_at) {
      // The clock went back: count the wait from now, once, instead of from a future instant.
      this.store.transaction(() => this.store.setFailures(header.failed_attempts, now))
      return wait
    }
    let left = backoffLeftMs(header.failed_attempts, header.last_failure_at, now)
    if (this.lastFailureMono !== null) {
      // Trust the monotonic clock only when the wall clock disagrees by more than a second
      // (it was set back): within a second the two agree, and the wall clock is what tests set.
      const monoLeft = Math.max(0, Math.ceil(wait - (performance.now() - this.lastFailureMono)))
      if (monoLeft < left - 1000) left = monoLeft
    }
    return left
  }

  /** Derive the KEK and open the vault key. Tries run one at a time (see unwrapNow). */
  unwrap(password: string): Promise<Uint8Array> {
    const run = this.queue.then(() => this.unwrapNow(password))
    this.queue = run.catch(() => undefined)
    return run
  }

  /**
   * One try. Concurrent tries would all pass the back-off check before any failure was counted,
   * hence the queue above.
   */
  private async unwrapNow(password: string): Promise<Uint8Array> {
    if (this.isClosed()) throw new InvalidInputError('The vault is closed.')
    if (typeof password !== 'string') throw new InvalidInputError('The password must be text.')
    const header = this.store.header() as HeaderRow
    // A damaged header is not a wrong password: it never counts towards the back-off.
    const problem = headerKdfProblem(header)
    if (problem) throw new VaultDamagedError(problem)
    const left = this.retryAfterMs()
    if (left > 0) throw new BackoffError(left)
    // The key first, libsodium after (crypto.ts cryptoReady): their memory is not held at once.
    const kek = await deriveKekOffThread(password, header.kdf_salt, {
      opsLimit: header.kdf_ops,
      memLimitBytes: header.kdf_mem,
    })
    await cryptoReady()
    const kdf = {
      alg: header.kdf_alg,
      ops: header.kdf_ops,
      mem: header.kdf_mem,
      salt: header.kdf_salt,
    }
    const vaultKey = open(kek, header.wrapped_key, wrapAd(header.vault_id, kdf))
    wipe(kek)
    if (this.isClosed()) {
      wipe(vaultKey)
      throw new InvalidInputError('The vault is closed.')
    }
    if (!vaultKey) {
      // Counted from the header as it is now: another process may have counted one meanwhile.
      this.store.transaction(() => {
        const h = this.store.header() as HeaderRow
        this.store.setFailures(h.failed_attempts + 1, this.now())
      })
      this.lastFailureMono = performance.now()
      throw new WrongPasswordError()
    }
    if (header.failed_attempts !== 0) this.store.transaction(() => this.store.setFailures(0, null))
    this.lastFailureMono = null
    return vaultKey
  }
}
