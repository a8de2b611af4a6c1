/**
 * Argon2id in native code (@node-rs/argon2, a Rust addon on Node-API), when it loads.
 *
 * libsodium's Argon2id is WebAssembly: about 130–200 ms for the vault's default parameters
 * (3 passes, 64 MiB) where this addon needs about 50 ms, and that difference was most of a CLI
 * command's time. Its async `hashRaw` runs on libuv's thread pool, so the main thread stays free
 * without a worker of our own (and without the worker's second libsodium instance).
 *
 * The parameters are the ones libsodium's crypto_pwhash(…, ALG_ARGON2ID13) uses, so both give the
 * same bytes (test/vault/kdf.test.ts compares them): Argon2id version 0x13, one lane, memory in
 * KiB = floor(bytes / 1024), passes = opsLimit, the 16-byte salt, no secret or associated data.
 *
 * The addon is loaded with require() at run time, not imported: a missing or unloadable binary
 * (a platform without a prebuilt package, an Electron build without it) is then a null here and
 * the caller falls back to libsodium, instead of an import error that stops the process.
 */
import { createRequire } from 'node:module'
import type { KdfParams } from './types'

type HashRaw = (
  password: Uint8Array,
  options: {
    algorithm: number
    version: number
    memoryCost: number
    timeCost: number
    parallelism: number
    outputLen: number
    salt: Uint8Array
  },
) => Promise<Uint8Array>

/** @node-rs/argon2's `Algorithm.Argon2id` and `Version.V0x13` (const enums, so not importable). */
const ARGON2ID = 2
const VERSION_0X13 = 1

let loaded: { hashRaw: HashRaw } | null | undefined

/** Why the native Argon2id is not in use (null while it is, or before the first try). */
export let nativeKdfUnavailable: string | null = null

/**
 * The addon, loaded on first use; null when it cannot load or KEYWARDEN_NATIVE_ARGON2=0 asks for
 * libsodium (to compare the two, and to run the fallback on a machine where the addon loads).
 */
export function nativeArgon2(): { hashRaw: HashRaw } | null {
  if (process.env.KEYWARDEN_NATIVE_ARGON2 === '0') {
    nativeKdfUnavailable = 'disabled by KEYWARDEN_NATIVE_ARGON2=0'
    return null
  }
  if (loaded === undefined) {
    try {
      const mod = createRequire(import.meta.url)('@node-rs/argon2') as { hashRaw?: unknown }
      if (typeof mod.hashRaw !== 'function') throw new Error('no hashRaw export')
      loaded = { hashRaw: mod.hashRaw as HashRaw }
    } catch (error) {
      loaded = null
      // The loader's message names the platform package it looked for; no secret can be in it.
      nativeKdfUnavailable = `@node-rs/argon2 did not load: ${(error as Error).message}`
    }
  }
  if (loaded) nativeKdfUnavailable = null
  return loaded
}

/**
 * Argon2id of an already-encoded password with the native addon, off the main thread. The
 * caller owns `password` and zeroes it. The addon's own result buffer is zeroed after its bytes
 * are copied out; copies the addon makes inside Rust are out of our reach.
 */
export async function deriveNative(
  argon2: { hashRaw: HashRaw },
  password: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
  keyBytes: number,
): Promise<Uint8Array> {
  const raw = await argon2.hashRaw(password, {
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    memoryCost: Math.floor(params.memLimitBytes / 1024),
    timeCost: params.opsLimit,
    parallelism: 1,
    outputLen: keyBytes,
    salt,
  })
  const key = Uint8Array.from(raw)
  raw.fill(0)
  if (key.length !== keyBytes) throw new Error(`native Argon2id returned ${key.length} bytes`)
  return key
}
