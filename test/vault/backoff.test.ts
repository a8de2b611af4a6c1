import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackoffError, Vault, WrongPasswordError, backoffDelayMs } from '../../src-main/vault'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { PASSWORD, fakeClock, newVault, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

describe('wrong-password back-off', () => {
  it('is free for 3 tries, then doubles from 1 s, capped at 5 minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20, 100].map(backoffDelayMs)).toEqual([
      0, 0, 0, 1000, 2000, 4000, 8000, 300_000, 300_000,
    ])
  })

  it('survives closing and reopening the file, and resets after the right password', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    vault.close()
    let v = Vault.open(path, { now: clock.now })
    for (let i = 0; i < 3; i++)
      await expect(v.unlock('nope')).rejects.toBeInstanceOf(WrongPasswordError)
    // The 4th try must wait 1 s even with the right password.
    await expect(v.unlock(PASSWORD)).rejects.toMatchObject({ code: 'BACKOFF', retryAfterMs: 1000 })
    expect(v.retryAfterMs()).toBe(1000)
    v.close()

    // A restart does not reset the counter.
    v = Vault.open(path, { now: clock.now })
    await expect(v.unlock(PASSWORD)).rejects.toBeInstanceOf(BackoffError)
    clock.advance(1000)
    await expect(v.unlock('nope')).rejects.toBeInstanceOf(WrongPasswordError)
    await expect(v.unlock(PASSWORD)).rejects.toMatchObject({ retryAfterMs: 2000 })
    clock.advance(1500)
    await expect(v.unlock(PASSWORD)).rejects.toMatchObject({
      retryAfterMs: 500,
      message: 'Too many wrong passwords. Try again in 1 s.',
    })
    v.close()

    v = Vault.open(path, { now: clock.now })
    expect(v.retryAfterMs()).toBe(500)
    clock.advance(500)
    expect(v.retryAfterMs()).toBe(0)
    await v.unlock(PASSWORD)
    v.lock()
    // Counter reset: three free tries again.
    for (let i = 0; i < 3; i++)
      await expect(v.unlock('nope')).rejects.toBeInstanceOf(WrongPasswordError)
    await expect(v.unlock(PASSWORD)).rejects.toBeInstanceOf(BackoffError)
    v.close()
  })

  it('a clock set back cannot stretch the wait beyond one step', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    vault.close()
    const v = Vault.open(path, { now: clock.now })
    for (let i = 0; i < 3; i++)
      await expect(v.unlock('nope')).rejects.toBeInstanceOf(WrongPasswordError)
    clock.advance(-86_400_000)
    await expect(v.unlock(PASSWORD)).rejects.toMatchObject({ retryAfterMs: 1000 })
    v.close()
  })

  it("the app's vault status reports the persisted wait after a restart of the app", async () => {
    const clock = fakeClock()
    const options = {
      dataDir: tmp.dir,
      mode: 'browser' as const,
      now: clock.now,
      kdf: FAST_TEST_KDF,
    }
    let app = new AppServices(options)
    await app.createVault(PASSWORD)
    app.lock()
    for (let i = 0; i < 3; i++) await expect(app.unlock('nope')).rejects.toBeTruthy()
    expect(app.vaultStatus().retryAfterMs).toBe(1000)
    await app.close()

    app = new AppServices(options)
    expect(app.vaultStatus().retryAfterMs).toBe(1000)
    await expect(app.unlock(PASSWORD)).rejects.toBeInstanceOf(BackoffError)
    clock.advance(400)
    expect(app.vaultStatus().retryAfterMs).toBe(600)
    clock.advance(600)
    expect(app.vaultStatus()).toMatchObject({ retryAfterMs: 0, unlocked: false })
    expect((await app.unlock(PASSWORD)).unlocked).toBe(true)
    await app.close()
  })
})
