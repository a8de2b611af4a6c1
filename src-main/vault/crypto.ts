/**
 * The vault's cryptography, and the only module of the vault that touches libsodium:
 * Argon2id key derivation, XChaCha20-Poly1305 sealing, associated data, and zeroing keys.
 *
 * Measured on the project's machines (64-byte message): libsodium's WASM AEAD ~5.5 µs an
 * operation, node:crypto's chacha20-poly1305 ~6.6 µs plus an HChaCha20 subkey, so the vault
 * seals with libsodium directly; `xchachaSealNode` is kept as the byte-identical alternative
 * the benchmark compares against. Nonces come from node's CSPRNG in batches, because
 * libsodium's randombytes_buf is slow under Node.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto'
import type sodiumModule from 'libsodium-wrappers-sumo'
import type { KdfParams } from './types'

export const NONCE_BYTES = 24
export const TAG_BYTES = 16
export const KEY_BYTES = 32
export const SALT_BYTES = 16

let sodium: typeof sodiumModule | undefined
let loading: Promise<void> | undefined

/**
 * Load libsodium and wait for its WASM; every other function here needs it. Loaded on first
 * call, not at import: an unlock derives its key (native Argon2id, kdf-native.ts) first, so the
 * KDF's 64 MiB and libsodium's ~12 MiB are not resident at once (a CLI command's peak memory).
 */
export function cryptoReady(): Promise<void> {
  loading ??= import('libsodium-wrappers-sumo').then(async (m) => {
    // The package is CommonJS: its exports arrive as the default export of the namespace.
    const mod = (m as unknown as { default?: typeof sodiumModule }).default ?? m
    await (mod as typeof sodiumModule).ready
    sodium = mod as typeof sodiumModule
  })
  return loading
}

function lib(): typeof sodiumModule {
  if (!sodium) throw new Error('cryptoReady() was not awaited')
  return sodium
}

// A pool of random bytes refilled 4 KiB at a time: one CSPRNG call per ~170 nonces.
const pool = Buffer.alloc(4096)
let poolOffset = pool.length

/** `length` fresh random bytes from node's CSPRNG (batched). */
export function randomBytes(length: number): Uint8Array {
  if (length > pool.length) return randomFillSync(new Uint8Array(length))
  if (poolOffset + length > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const out = new Uint8Array(length)
  out.set(pool.subarray(poolOffset, poolOffset + length))
  pool.fill(0, poolOffset, poolOffset + length)
  poolOffset += length
  return out
}

const encoder = new TextEncoder()

/**
 * Associated data binding a ciphertext to where it belongs: format version, vault id, entry id
 * and field. A ciphertext copied to another vault, row or column fails to open.
 */
export function associatedData(vaultId: string, entryId: string, field: string): Uint8Array {
  return encoder.encode(associatedText(vaultId, entryId, field))
}

/** `associatedData` before UTF-8 encoding. */
export function associatedText(vaultId: string, entryId: string, field: string): string {
  return `keywarden/v1\0${vaultId}\0${entryId}\0${field}`
}

/** Seal with XChaCha20-Poly1305 and a fresh 192-bit nonce; returns nonce || ciphertext || tag. */
export function seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES)
  const body = lib().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
  const out = new Uint8Array(NONCE_BYTES + body.length)
  out.set(nonce)
  out.set(body, NONCE_BYTES)
  return out
}

/** Open what `seal` made; null when it fails authentication (tampered, truncated or moved). */
export function open(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array | null {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) return null
  try {
    return lib().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(NONCE_BYTES),
      ad,
      sealed.subarray(0, NONCE_BYTES),
      key,
    )
  } catch {
    return null
  }
}

/**
 * XChaCha20-Poly1305 built from node:crypto: an HChaCha20 subkey from the first 16 nonce bytes,
 * then IETF ChaCha20-Poly1305 (OpenSSL) with nonce 0x00000000 || the last 8 nonce bytes. Output
 * is byte-identical to libsodium's (proved in the tests); kept as the benchmark's comparison.
 */
export function xchachaSealNode(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
): Uint8Array {
  const subkey = lib().crypto_core_hchacha20(nonce.subarray(0, 16), key, null)
  const iv = Buffer.alloc(12)
  iv.set(nonce.subarray(16, 24), 4)
  const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(ad, { plaintextLength: plaintext.length })
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  subkey.fill(0)
  return new Uint8Array(body.buffer, body.byteOffset, body.length)
}

/** The opening half of `xchachaSealNode`; null on authentication failure. */
export function xchachaOpenNode(
  key: Uint8Array,
  nonce: Uint8Array,
  body: Uint8Array,
  ad: Uint8Array,
): Uint8Array | null {
  if (body.length < TAG_BYTES) return null
  const subkey = lib().crypto_core_hchacha20(nonce.subarray(0, 16), key, null)
  const iv = Buffer.alloc(12)
  iv.set(nonce.subarray(16, 24), 4)
  try {
    const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, {
      authTagLength: TAG_BYTES,
    })
    decipher.setAAD(ad, { plaintextLength: body.length - TAG_BYTES })
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    const out = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ])
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  } catch {
    return null
  } finally {
    subkey.fill(0)
  }
}

/** Check KDF parameters against libsodium's Argon2id limits. */
export function kdfParamsProblem(params: KdfParams): string | null {
  const s = lib()
  if (!Number.isInteger(params.opsLimit) || params.opsLimit < s.crypto_pwhash_OPSLIMIT_MIN)
    return `The KDF operations limit must be a whole number of at least ${s.crypto_pwhash_OPSLIMIT_MIN}.`
  if (params.opsLimit > 64) return 'The KDF operations limit must be at most 64.'
  if (
    !Number.isInteger(params.memLimitBytes) ||
    params.memLimitBytes < s.crypto_pwhash_MEMLIMIT_MIN ||
    params.memLimitBytes > 4 * 1024 ** 3
  )
    return `The KDF memory limit must be between ${s.crypto_pwhash_MEMLIMIT_MIN} bytes and 4 GiB.`
  return null
}

/** Argon2id (libsodium crypto_pwhash, v1.3): the 256-bit key-encryption key for a password. */
export function deriveKek(password: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  const s = lib()
  return s.crypto_pwhash(
    KEY_BYTES,
    encoder.encode(password.normalize('NFC')),
    salt,
    params.opsLimit,
    params.memLimitBytes,
    s.crypto_pwhash_ALG_ARGON2ID13,
  )
}

/** Overwrite key material (sodium.memzero). */
export function wipe(bytes: Uint8Array | null | undefined): void {
  if (bytes && bytes.length > 0) lib().memzero(bytes)
}

/** A fresh random 256-bit vault key. */
export function newVaultKey(): Uint8Array {
  return randomFillSync(new Uint8Array(KEY_BYTES))
}

/** The raw WASM exports of libsodium that `BulkOpener` calls (not in the wrapper's types). */
interface RawSodium {
  HEAPU8: Uint8Array
  _malloc(size: number): number
  _free(ptr: number): void
  _crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: number,
    mlenP: number,
    nsec: number,
    c: number,
    clenLo: number,
    clenHi: number,
    ad: number,
    adlenLo: number,
    adlenHi: number,
    npub: number,
    k: number,
  ): number
}

/**
 * Opens many small ciphertexts with one key, straight into UTF-8 text (unlock opens every
 * entry's descriptive blob). The wrapper's crypto_aead_xchacha20poly1305_ietf_decrypt
 * allocates, copies and frees five buffers per call; this keeps the key and two scratch buffers
 * in the WASM heap for the whole batch, which measured about 3x faster for 300-byte blobs.
 * Call `dispose()` when done: it zeroes and frees the key copy and the plaintext buffer.
 */
export class BulkOpener {
  private readonly raw: RawSodium
  private readonly keyPtr: number
  private readonly mlenPtr: number
  private inPtr = 0
  private outPtr = 0
  private capacity = 0
  private heapView: Buffer | null = null

  constructor(key: Uint8Array) {
    this.raw = (lib() as unknown as { libsodium: RawSodium }).libsodium
    this.keyPtr = this.raw._malloc(KEY_BYTES)
    this.mlenPtr = this.raw._malloc(8)
    this.raw.HEAPU8.set(key, this.keyPtr)
    this.grow(1024)
  }

  private grow(size: number): void {
    if (this.capacity >= size) return
    const capacity = Math.max(size, this.capacity * 2)
    this.release()
    this.capacity = capacity
    this.inPtr = this.raw._malloc(this.capacity)
    this.outPtr = this.raw._malloc(this.capacity)
  }

  private release(): void {
    if (this.capacity === 0) return
    this.raw.HEAPU8.fill(0, this.outPtr, this.outPtr + this.capacity)
    this.raw._free(this.inPtr)
    this.raw._free(this.outPtr)
    this.capacity = 0
  }

  /**
   * Open one `seal` output as UTF-8 text; null when it fails authentication. `adText` is the
   * associated data as a string (UTF-8 encoded straight into the WASM heap).
   */
  openText(sealed: Uint8Array, adText: string): string | null {
    const bodyLength = sealed.length - NONCE_BYTES
    if (bodyLength < TAG_BYTES) return null
    const adMax = adText.length * 3
    this.grow(sealed.length + adMax)
    // The heap may have been replaced by a malloc that grew memory: take the views afresh.
    const heap = this.raw.HEAPU8
    heap.set(sealed, this.inPtr)
    const adPtr = this.inPtr + sealed.length
    const ad = { length: encoder.encodeInto(adText, heap.subarray(adPtr, adPtr + adMax)).written }
    const rc = this.raw._crypto_aead_xchacha20poly1305_ietf_decrypt(
      this.outPtr,
      0,
      0,
      this.inPtr + NONCE_BYTES,
      bodyLength,
      0,
      adPtr,
      ad.length,
      0,
      this.inPtr,
      this.keyPtr,
    )
    if (rc !== 0) return null
    if (!this.heapView || this.heapView.buffer !== heap.buffer)
      this.heapView = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength)
    return this.heapView.toString('utf8', this.outPtr, this.outPtr + bodyLength - TAG_BYTES)
  }

  /**
   * Open every record of a chunk laid out as three u32 BE lengths, then the associated data,
   * the sealed bytes and an extra field, calling `each` with the record's name (the associated
   * data from byte `nameOffset` up to the next NUL), the plaintext (null when authentication
   * fails) and where the extra field lies in `bytes`. The chunk is copied into the WASM heap
   * once and every record is opened in place; only the name and plaintext become JS strings
   * (the caller reads the extra's few bytes itself: a string and a split per record cost more).
   */
  openRecords(
    chunk: Uint8Array,
    nameOffset: number,
    each: (
      name: string,
      text: string | null,
      bytes: Buffer,
      extraStart: number,
      extraEnd: number,
    ) => void,
  ): void {
    this.grow(chunk.length)
    const heap = this.raw.HEAPU8
    heap.set(chunk, this.inPtr)
    if (!this.heapView || this.heapView.buffer !== heap.buffer)
      this.heapView = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength)
    const view = this.heapView
    const end = this.inPtr + chunk.length
    let p = this.inPtr
    while (p < end) {
      if (p + 12 > end) throw new Error('malformed record chunk')
      const adStart = p + 12
      const adEnd = adStart + view.readUInt32BE(p)
      const sealedStart = adEnd
      const sealedEnd = sealedStart + view.readUInt32BE(p + 4)
      const extraStart = sealedEnd
      const extraEnd = extraStart + view.readUInt32BE(p + 8)
      if (extraEnd > end) throw new Error('malformed record chunk')
      p = extraEnd
      const bodyLength = sealedEnd - sealedStart - NONCE_BYTES
      let text: string | null = null
      if (bodyLength >= TAG_BYTES) {
        const rc = this.raw._crypto_aead_xchacha20poly1305_ietf_decrypt(
          this.outPtr,
          0,
          0,
          sealedStart + NONCE_BYTES,
          bodyLength,
          0,
          adStart,
          adEnd - adStart,
          0,
          sealedStart,
          this.keyPtr,
        )
        if (rc === 0)
          text = view.toString('utf8', this.outPtr, this.outPtr + bodyLength - TAG_BYTES)
      }
      const nameStart = Math.min(adStart + nameOffset, adEnd)
      let nameEnd = view.indexOf(0, nameStart)
      if (nameEnd === -1 || nameEnd > adEnd) nameEnd = adEnd
      each(view.toString('utf8', nameStart, nameEnd), text, view, extraStart, extraEnd)
    }
  }

  /** Zero and free the key copy and scratch buffers. */
  dispose(): void {
    this.raw.HEAPU8.fill(0, this.keyPtr, this.keyPtr + KEY_BYTES)
    this.raw._free(this.keyPtr)
    this.raw._free(this.mlenPtr)
    this.release()
    this.heapView = null
  }
}

/** A 32-byte subkey of `key` for one purpose (BLAKE2b keyed with the key over the purpose). */
export function deriveSubkey(key: Uint8Array, purpose: string): Uint8Array {
  return lib().crypto_generichash(KEY_BYTES, encoder.encode(`keywarden/${purpose}`), key)
}
