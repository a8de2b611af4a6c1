import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackoffError, DEFAULT_KDF, Vault, WrongPasswordError } from '../../src-main/vault'
import { cryptoReady, deriveKek, randomBytes } from '../../src-main/vault/crypto'
import { deriveKekOffThread, lastKdfFallback, prewarmKdf } from '../../src-main/vault/kdf'
import { FAST_KDF, PASSWORD, fakeClock, newVault, tempDir } from './helpers'
import { join } from 'node:path'

let tmp: ReturnType<typeof tempDir>
beforeEach(async () => {
  tmp = tempDir()
  await cryptoReady()
})
afterEach(() => tmp.cleanup())

describe('Argon2id in a worker thread', () => {
  it('derives the same key as an in-thread derivation (small parameters, non-ASCII password)', async () => {
    const salt = randomBytes(16)
    for (const password of ['pässword', 'e\u0301t\u00e9', 'x'.repeat(1024)]) {
      const off = await deriveKekOffThread(password, salt, FAST_KDF)
      expect(lastKdfFallback).toBeNull()
      expect(Buffer.from(off)).toEqual(Buffer.from(deriveKek(password, salt, FAST_KDF)))
    }
  })

  it('a worker started ahead of time derives the same key, and a process holding only that idle worker exits', async () => {
    prewarmKdf()
    // Let the pre-started worker load libsodium before it is used.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const salt = randomBytes(16)
    const off = await deriveKekOffThread('prewarmed', salt, FAST_KDF)
    expect(lastKdfFallback).toBeNull()
    expect(Buffer.from(off)).toEqual(Buffer.from(deriveKek('prewarmed', salt, FAST_KDF)))

    // Vault.open starts the worker; it is unref'd while idle, so a CLI that only reads clear
    // metadata still exits at once instead of hanging on the idle thread.
    const path = join(tmp.dir, 'idle.kwdb')
    ;(await Vault.create(path, PASSWORD, { kdf: FAST_KDF })).close()
    const { spawnSync } = await import('node:child_process')
    // The real CLI: `reminders` opens the vault locked (starting the worker) and never unlocks.
    const run = spawnSync(
      process.execPath,
      ['src-main/cli/bin.mjs', 'reminders', '--vault', path],
      {
        timeout: 20_000,
        encoding: 'utf8',
      },
    )
    expect(run.error).toBeUndefined()
    expect(run.status).toBe(0)
  })

  it('keeps the event loop turning during a default-parameter unlock, with the same key', async () => {
    const path = join(tmp.dir, 'default.kwdb')
    const created = await Vault.create(path, PASSWORD, { kdf: DEFAULT_KDF })
    created.add({ style: 'generic', name: 'one', credential: { key: 'k-1-secret-generic' } })
    created.close()
    const vault = Vault.open(path)
    let ticks = 0
    let longestGap = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const t = performance.now()
      longestGap = Math.max(longestGap, t - last)
      last = t
      ticks++
    }, 5)
    const started = performance.now()
    await vault.unlock(PASSWORD)
    const took = performance.now() - started
    clearInterval(timer)
    expect(lastKdfFallback).toBeNull()
    expect(vault.list().map((e) => e.name)).toEqual(['one'])
    // In-thread, a 64 MiB Argon2id is one long synchronous call: no tick at all would run.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(took / 20)))
    expect(longestGap).toBeLessThan(Math.max(100, took / 2))
    vault.close()

    const salt = randomBytes(16)
    const off = await deriveKekOffThread(PASSWORD, salt, DEFAULT_KDF)
    expect(Buffer.from(off)).toEqual(Buffer.from(deriveKek(PASSWORD, salt, DEFAULT_KDF)))
  })

  it('counts every wrong password of concurrent tries (they run one at a time)', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    vault.close()
    const v = Vault.open(path, { now: clock.now })
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => v.unlock('nope')))
    const errors = results.map((r) => (r.status === 'rejected' ? r.reason : null))
    expect(errors.slice(0, 3).every((e) => e instanceof WrongPasswordError)).toBe(true)
    expect(errors.slice(3).every((e) => e instanceof BackoffError)).toBe(true)
    expect(v.retryAfterMs()).toBe(1000)
    v.close()
  })

  it('a close during the derivation ends the unlock with a clear error, not a crash', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.close()
    const v = Vault.open(path)
    const pending = v.unlock(PASSWORD)
    v.close()
    await expect(pending).rejects.toThrow('The vault is closed.')
  })
})
