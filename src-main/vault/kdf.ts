/**
 * Argon2id off the main thread. At 64 MiB it takes 50–200 ms of CPU; on the Electron main
 * process that would freeze every window. The native addon (kdf-native.ts) is used when it
 * loads: it derives on libuv's thread pool, ~3× faster than libsodium's WebAssembly. Otherwise
 * the derivation runs in a node:worker_threads worker that loads its own libsodium; both give
 * the same key for the same parameters.
 *
 * One worker serves every derivation and stays alive between them (unref'd while idle, so it
 * never keeps a process open): starting a worker and libsodium's WASM costs ~60 ms of CPU, which
 * a worker per derivation paid again on every create, unlock and password change.
 *
 * The worker's code is a small CommonJS source string (`eval: true`) rather than a file next to
 * this one: the same code then runs under tsx and vitest (which cannot hand a worker a .ts file)
 * and in the electron-vite main bundle with no extra entry point. It requires libsodium by the
 * absolute path resolved here, so it finds the same installed package as the main thread.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { KEY_BYTES, cryptoReady, deriveKek } from './crypto'
import { deriveNative, nativeArgon2, nativeKdfUnavailable } from './kdf-native'
import type { KdfParams } from './types'

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const sodium = require(workerData.sodiumPath)
// Load libsodium's WASM as soon as the worker starts, so a pre-started worker is ready to derive.
const ready = sodium.ready
parentPort.on('message', async ({ id, password, salt, ops, mem, keyBytes }) => {
  try {
    await ready
    const key = sodium.crypto_pwhash(keyBytes, password, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13)
    sodium.memzero(password)
    parentPort.postMessage({ id, key }, [key.buffer])
  } catch (error) {
    sodium.memzero(password)
    parentPort.postMessage({ id, error: String(error && error.message || error) })
  }
})
`

interface Reply {
  key?: Uint8Array
  error?: string
  /** The worker itself failed (did not start, crashed, exited): derive in this thread. */
  startup?: string
}

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

/** The shared worker and the derivations waiting for its answer, by request id. */
let worker: Worker | null = null
const pending = new Map<number, (reply: Reply) => void>()
let nextId = 1

function settle(id: number, reply: Reply): void {
  const resolve = pending.get(id)
  if (!resolve) return
  pending.delete(id)
  resolve(reply)
  // Idle again: the worker must not keep the process alive on its own.
  if (pending.size === 0) worker?.unref()
}

/** The shared worker, started if needed; null when no worker can run here. */
function sharedWorker(): Worker | null {
  if (worker) return worker
  const path = resolveSodium()
  if (path === null) return null
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath: path } })
  started.on('message', (m: { id: number; key?: Uint8Array; error?: string }) =>
    settle(m.id, m.key ? { key: m.key } : { error: m.error ?? 'no key' }),
  )
  const fail = (why: string): void => {
    if (worker === started) worker = null
    for (const id of [...pending.keys()]) settle(id, { startup: why })
  }
  started.on('error', (e) => fail(e.message))
  started.on('exit', () => fail('worker exited'))
  // After the listeners: attaching a 'message' listener refs the worker's port again.
  started.unref()
  worker = started
  return started
}

/**
 * Get the KDF ready ahead of an unlock (a locked vault is about to be unlocked): load the native
 * addon (~3 ms), or, when it cannot load, start the worker and its libsodium.
 */
export function prewarmKdf(): void {
  try {
    if (nativeArgon2()) return
    sharedWorker()
  } catch {
    // Nothing lost: the derivation tries again, or falls back to this thread.
  }
}

/** Why the last derivation ran in-thread (null when it ran off it); for tests and logs. */
export let lastKdfFallback: string | null = null

/** Where the last derivation ran; for tests and benchmarks. */
export let lastKdfBackend: 'native' | 'worker' | 'in-thread' | null = null

/** Why the last derivation did not use the native addon (null when it did). */
export let lastNativeKdfMiss: string | null = null

/**
 * Argon2id of a password off the main thread: the native addon when it loads, else the worker
 * thread; resolves with the 256-bit key, which the caller zeroes after use. A native failure
 * falls back to the worker, and the worker's to deriving in this thread (e.g. a runtime without
 * worker threads or with libsodium unresolvable from here): the unlock then blocks for the KDF's
 * duration instead of failing.
 */
export async function deriveKekOffThread(
  password: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  const argon2 = nativeArgon2()
  if (argon2) {
    const pw = new TextEncoder().encode(password.normalize('NFC'))
    try {
      const key = await deriveNative(argon2, pw, salt, params, KEY_BYTES)
      lastKdfBackend = 'native'
      lastKdfFallback = null
      lastNativeKdfMiss = null
      return key
    } catch (error) {
      // Fall through to libsodium: the same key, only slower.
      lastNativeKdfMiss = `native Argon2id failed: ${(error as Error).message}`
    } finally {
      pw.fill(0)
    }
  } else {
    lastNativeKdfMiss = nativeKdfUnavailable
  }
  return deriveInWorker(password, salt, params)
}

async function deriveInWorker(
  password: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  let target: Worker | null
  try {
    target = sharedWorker()
  } catch (error) {
    return inThread(`worker did not start: ${String(error)}`, password, salt, params)
  }
  if (target === null) return inThread('libsodium path not resolvable', password, salt, params)
  const pw = new TextEncoder().encode(password.normalize('NFC'))
  const saltCopy = Uint8Array.from(salt)
  const id = nextId++
  const reply = await new Promise<Reply>((resolve) => {
    pending.set(id, resolve)
    // While it derives, the worker keeps the process alive (a CLI awaiting its unlock).
    target.ref()
    const message = {
      id,
      password: pw,
      salt: saltCopy,
      ops: params.opsLimit,
      mem: params.memLimitBytes,
      keyBytes: KEY_BYTES,
    }
    target.postMessage(message, [pw.buffer, saltCopy.buffer])
  })
  if (reply.key) {
    lastKdfBackend = 'worker'
    lastKdfFallback = null
    return new Uint8Array(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength)
  }
  if (reply.error !== undefined) throw new Error(`Key derivation failed: ${reply.error}`)
  return inThread(reply.startup ?? 'worker failed', password, salt, params)
}

async function inThread(
  why: string,
  password: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  lastKdfBackend = 'in-thread'
  lastKdfFallback = why
  await cryptoReady()
  return deriveKek(password, salt, params)
}

/**
 * End the KDF worker when no derivation is pending, returning its memory (Argon2id's 64 MiB stay
 * allocated in a WebAssembly heap that never shrinks). For one-shot processes such as a CLI
 * command after its unlock: measured at 10k entries, `keywarden list` peaked 198 → 167 MiB.
 * A later derivation starts a new worker.
 */
export async function releaseKdfWorker(): Promise<void> {
  const current = worker
  if (!current || pending.size > 0) return
  worker = null
  await current.terminate()
}
