/**
 * Argon2id off the main thread. crypto_pwhash at 64 MiB takes a few hundred milliseconds of
 * CPU; on the Electron main process that would freeze every window, so the derivation runs in a
 * node:worker_threads worker that loads its own libsodium.
 *
 * The worker's code is a small CommonJS source string (`eval: true`) rather than a file next to
 * this one: the same code then runs under tsx and vitest (which cannot hand a worker a .ts file)
 * and in the electron-vite main bundle with no extra entry point. It requires libsodium by the
 * absolute path resolved here, so it finds the same installed package as the main thread.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { KEY_BYTES, deriveKek } from './crypto'
import type { KdfParams } from './types'

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const sodium = require(workerData.sodiumPath)
// Load libsodium's WASM as soon as the worker starts, so a pre-started worker is ready to derive.
const ready = sodium.ready
parentPort.once('message', async ({ password, salt, ops, mem, keyBytes }) => {
  try {
    await ready
    const key = sodium.crypto_pwhash(keyBytes, password, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13)
    sodium.memzero(password)
    parentPort.postMessage({ key }, [key.buffer])
  } catch (error) {
    sodium.memzero(password)
    parentPort.postMessage({ error: String(error && error.message || error) })
  }
})
`

let sodiumPath: string | null | undefined

function resolveSodium(): string | null {
  if (sodiumPath === undefined) {
    try {
      sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo')
    } catch {
      sodiumPath = null
    }
  }
  return sodiumPath
}

/**
 * A worker started ahead of the next derivation (by `prewarmKdf`), so unlocking does not wait
 * for a thread and libsodium's WASM to start (~60 ms). Unref'd while idle: it never keeps a
 * process alive on its own.
 */
let spare: Worker | null = null

function startWorker(path: string): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath: path } })
}

/** Start the KDF worker ahead of an unlock (a locked vault is about to be unlocked). */
export function prewarmKdf(): void {
  if (spare) return
  const path = resolveSodium()
  if (path === null) return
  try {
    const worker = startWorker(path)
    worker.unref()
    const forget = (): void => {
      if (spare === worker) spare = null
    }
    worker.once('exit', forget)
    worker.once('error', forget)
    spare = worker
  } catch {
    // Nothing lost: the derivation starts its own worker, or falls back to this thread.
  }
}

/** Why the last derivation ran in-thread (null when it used the worker); for tests and logs. */
export let lastKdfFallback: string | null = null

/**
 * Argon2id of a password in a worker thread; resolves with the 256-bit key, which the caller
 * zeroes after use. Falls back to deriving in this thread when a worker cannot start (e.g. a
 * runtime without worker threads or with libsodium unresolvable from here): the unlock then
 * blocks for the KDF's duration, as it did before, instead of failing.
 */
export async function deriveKekOffThread(
  password: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  const path = resolveSodium()
  if (path === null) return inThread('libsodium path not resolvable', password, salt, params)
  let worker: Worker
  try {
    worker = spare ?? startWorker(path)
    spare = null
    // A pre-started worker is unref'd while idle; while it derives, it must keep the process alive.
    worker.ref()
  } catch (error) {
    return inThread(`worker did not start: ${String(error)}`, password, salt, params)
  }
  const pw = new TextEncoder().encode(password.normalize('NFC'))
  const saltCopy = Uint8Array.from(salt)
  try {
    const result = await new Promise<{ key?: Uint8Array; error?: string; startup?: string }>(
      (resolve) => {
        worker.once('message', (m: { key?: Uint8Array; error?: string }) => resolve(m))
        worker.once('error', (e) => resolve({ startup: e.message }))
        worker.once('exit', () => resolve({ startup: 'worker exited early' }))
        worker.postMessage(
          {
            password: pw,
            salt: saltCopy,
            ops: params.opsLimit,
            mem: params.memLimitBytes,
            keyBytes: KEY_BYTES,
          },
          [pw.buffer, saltCopy.buffer],
        )
      },
    )
    if (result.key) {
      lastKdfFallback = null
      return new Uint8Array(result.key.buffer, result.key.byteOffset, result.key.byteLength)
    }
    if (result.error !== undefined) throw new Error(`Key derivation failed: ${result.error}`)
    return inThread(result.startup ?? 'worker failed', password, salt, params)
  } finally {
    void worker.terminate()
  }
}

function inThread(why: string, password: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  lastKdfFallback = why
  return deriveKek(password, salt, params)
}
