import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackoffError, DEFAULT_KDF, Vault, WrongPasswordError } from '../../src-main/vault'
import { cryptoReady, deriveKek, randomBytes } from '../../src-main/vault/crypto'
import {
  deriveKekOffThread,
  lastKdfBackend,
  lastKdfFallback,
  lastNativeKdfMiss,
  prewarmKdf,
} from '../../src-main/vault/kdf'
import { deriveNative, nativeArgon2, nativeKdfUnavailable } from '../../src-main/vault/kdf-native'
import type { KdfParams } from '../../src-main/vault/types'
import { FAST_KDF, PASSWORD, fakeClock, newVault, tempDir } from './helpers'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = resolve(import.meta.dirname, '../..')

/** Run `body` with the native Argon2id switched off, as KEYWARDEN_NATIVE_ARGON2=0 does. */
async function withoutNative<T>(body: () => Promise<T>): Promise<T> {
  const before = process.env.KEYWARDEN_NATIVE_ARGON2
  process.env.KEYWARDEN_NATIVE_ARGON2 = '0'
  try {
    return await body()
  } finally {
    if (before === undefined) delete process.env.KEYWARDEN_NATIVE_ARGON2
    else process.env.KEYWARDEN_NATIVE_ARGON2 = before
  }
}

let tmp: ReturnType<typeof tempDir>
beforeEach(async () => {
  tmp = tempDir()
  await cryptoReady()
})
afterEach(() => tmp.cleanup())

describe('native Argon2id (@node-rs/argon2)', () => {
  // Parameter sets: the test minimum, the vault's default, and odd ones in between (a memory
  // size that is not a whole number of KiB is rounded down by both).
  const SETS: KdfParams[] = [
    FAST_KDF,
    { opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 },
    { opsLimit: 2, memLimitBytes: 1024 * 1024 + 512 },
    { opsLimit: 4, memLimitBytes: 100_000 },
    { opsLimit: 10, memLimitBytes: 16 * 1024 },
    DEFAULT_KDF,
  ]

  it("loads on this platform and gives libsodium's crypto_pwhash bytes, on several parameter sets", async () => {
    const argon2 = nativeArgon2()
    expect(nativeKdfUnavailable).toBeNull()
    expect(argon2).not.toBeNull()
    for (const params of SETS) {
      const salt = randomBytes(16)
      const passwords = params === DEFAULT_KDF ? [PASSWORD] : ['pässword', '', 'x'.repeat(1024)]
      for (const password of passwords) {
        const reference = Buffer.from(deriveKek(password, salt, params))
        const pw = new TextEncoder().encode(password.normalize('NFC'))
        expect(Buffer.from(await deriveNative(argon2!, pw, salt, params, 32))).toEqual(reference)
        const off = await deriveKekOffThread(password, salt, params)
        expect(lastKdfBackend).toBe('native')
        expect(Buffer.from(off)).toEqual(reference)
      }
    }
  })

  it('derives the same key for the NFC and NFD forms of a password, as libsodium does here', async () => {
    const salt = randomBytes(16)
    const nfc = await deriveKekOffThread('\u00e9t\u00e9', salt, FAST_KDF)
    expect(lastKdfBackend).toBe('native')
    const nfd = await deriveKekOffThread('e\u0301te\u0301', salt, FAST_KDF)
    expect(Buffer.from(nfd)).toEqual(Buffer.from(nfc))
    expect(Buffer.from(nfc)).toEqual(Buffer.from(deriveKek('e\u0301te\u0301', salt, FAST_KDF)))
  })

  it('switched off, the worker derives the same key and says why native was not used', async () => {
    const salt = randomBytes(16)
    const native = await deriveKekOffThread('pässword', salt, FAST_KDF)
    const viaWorker = await withoutNative(() => deriveKekOffThread('pässword', salt, FAST_KDF))
    expect(lastKdfBackend).toBe('worker')
    expect(lastKdfFallback).toBeNull()
    expect(lastNativeKdfMiss).toContain('KEYWARDEN_NATIVE_ARGON2=0')
    expect(Buffer.from(viaWorker)).toEqual(Buffer.from(native))
  })

  it('in a process that cannot load native addons, falls back to the worker with the same key', () => {
    const salt = randomBytes(16)
    const script = join(tmp.dir, 'no-addons.mjs')
    const url = (p: string): string => pathToFileURL(join(ROOT, p)).href
    writeFileSync(
      script,
      `const crypto = await import(${JSON.stringify(url('src-main/vault/crypto.ts'))})
await crypto.cryptoReady()
const kdf = await import(${JSON.stringify(url('src-main/vault/kdf.ts'))})
const salt = Uint8Array.from(${JSON.stringify([...salt])})
const key = await kdf.deriveKekOffThread('pässword', salt, { opsLimit: 1, memLimitBytes: 8192 })
console.log(JSON.stringify({ backend: kdf.lastKdfBackend, miss: kdf.lastNativeKdfMiss, key: Buffer.from(key).toString('hex') }))
`,
    )
    // --no-addons makes loading any native addon throw, as an unsupported platform would.
    const run = spawnSync(process.execPath, ['--no-addons', '--import', 'tsx', script], {
      cwd: ROOT,
      timeout: 30_000,
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    const out = JSON.parse(run.stdout) as { backend: string; miss: string; key: string }
    expect(out.backend).toBe('worker')
    expect(out.miss).toContain('@node-rs/argon2 did not load')
    expect(out.key).toBe(Buffer.from(deriveKek('pässword', salt, FAST_KDF)).toString('hex'))
  })
})

describe('Argon2id in a worker thread (when the native addon is not there)', () => {
  it('derives the same key as an in-thread derivation (small parameters, non-ASCII password)', async () => {
    const salt = randomBytes(16)
    for (const password of ['pässword', 'e\u0301t\u00e9', 'x'.repeat(1024)]) {
      const off = await withoutNative(() => deriveKekOffThread(password, salt, FAST_KDF))
      expect(lastKdfBackend).toBe('worker')
      expect(lastKdfFallback).toBeNull()
      expect(Buffer.from(off)).toEqual(Buffer.from(deriveKek(password, salt, FAST_KDF)))
    }
  })

  it('a worker started ahead of time derives the same key, and a process holding only that idle worker exits', async () => {
    const salt = randomBytes(16)
    const off = await withoutNative(async () => {
      prewarmKdf()
      // Let the pre-started worker load libsodium before it is used.
      await new Promise((resolve) => setTimeout(resolve, 200))
      return deriveKekOffThread('prewarmed', salt, FAST_KDF)
    })
    expect(lastKdfBackend).toBe('worker')
    expect(Buffer.from(off)).toEqual(Buffer.from(deriveKek('prewarmed', salt, FAST_KDF)))

    // Vault.open starts the worker; it is unref'd while idle, so a CLI that only reads clear
    // metadata still exits at once instead of hanging on the idle thread.
    const path = join(tmp.dir, 'idle.kwdb')
    ;(await Vault.create(path, PASSWORD, { kdf: FAST_KDF })).close()
    // The real CLI: `reminders` opens the vault locked (starting the worker) and never unlocks.
    const run = spawnSync(
      process.execPath,
      ['src-main/cli/bin.mjs', 'reminders', '--vault', path],
      {
        timeout: 20_000,
        encoding: 'utf8',
        env: { ...process.env, KEYWARDEN_NATIVE_ARGON2: '0', KEYWARDEN_CONFIG_DIR: tmp.dir },
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
    expect(lastKdfBackend).toBe('native')
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
