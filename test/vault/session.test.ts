/**
 * The session's hardening: a back-off that ends when the clock moves backwards, KDF parameters
 * in the header outside their bounds reported as a damaged file (fast, not counted as a wrong
 * password), and lock dropping every key and decrypted cache.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LockedError, Vault, VaultDamagedError, WrongPasswordError } from '../../src-main/vault'
import { PASSWORD, fakeClock, genericInput, newVault, rawDb, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

const lastSeenFile = (): string => join(tmp.dir, 'last-seen.json')

describe('back-off and the clock', () => {
  it('ends after the full wait even when the clock was set back a day', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    vault.close()
    const v = Vault.open(path, { now: clock.now, lastSeenFile: lastSeenFile() })
    for (let i = 0; i < 3; i++) await v.unlock('nope').catch(() => undefined)
    expect(v.retryAfterMs()).toBe(1000)
    clock.advance(-86_400_000)
    // Counted from now, never from a stored time a day in the future.
    expect(v.retryAfterMs()).toBe(1000)
    clock.advance(1000)
    expect(v.retryAfterMs()).toBe(0)
    await v.unlock(PASSWORD)
    expect(v.isUnlocked).toBe(true)
    v.close()
  })
})

describe('KDF parameters in the header', () => {
  for (const [what, sql] of [
    ['ops = 1e9', 'UPDATE vault_header SET kdf_ops = 1000000000'],
    ['ops = 0', 'UPDATE vault_header SET kdf_ops = 0'],
    ['memory = 64 GiB', 'UPDATE vault_header SET kdf_mem = 68719476736'],
    ['an unknown algorithm', "UPDATE vault_header SET kdf_alg = 'scrypt'"],
  ] as const)
    it(`refuses ${what} as a damaged file at once, without counting a wrong password`, async () => {
      const { vault, path } = await newVault(tmp.dir)
      vault.close()
      const db = rawDb(path)
      db.prepare(sql).run()
      db.close()
      const v = Vault.open(path, { lastSeenFile: lastSeenFile() })
      const started = Date.now()
      const error = await v.unlock(PASSWORD).catch((e: unknown) => e)
      expect(Date.now() - started).toBeLessThan(5000) // never hangs (a bound, not a speed test)
      expect(error).toBeInstanceOf(VaultDamagedError)
      expect(error).not.toBeInstanceOf(WrongPasswordError)
      expect((error as Error).message).toMatch(/^The vault file is damaged: /)
      const failures = rawDb(path).prepare('SELECT failed_attempts FROM vault_header').pluck()
      expect(failures.get()).toBe(0)
      v.close()
    })
})

describe('lock', () => {
  it('zeroes the vault key and drops the decrypted entries', async () => {
    const { vault } = await newVault(tmp.dir)
    vault.add(genericInput(1))
    const session = (vault as unknown as { session: { key: Uint8Array } }).session
    const key = session.key
    expect(key.some((b) => b !== 0)).toBe(true)
    vault.lock()
    expect(key.every((b) => b === 0)).toBe(true)
    expect((vault as unknown as { session: unknown }).session).toBeNull()
    expect(() => vault.list()).toThrow(LockedError)
    await vault.unlock(PASSWORD)
    expect(vault.list()).toHaveLength(1)
    vault.close()
  })
})
