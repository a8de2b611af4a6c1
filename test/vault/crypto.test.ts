import fc from 'fast-check'
import sodium from 'libsodium-wrappers-sumo'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BulkOpener,
  associatedData,
  associatedText,
  cryptoReady,
  deriveKek,
  newVaultKey,
  open,
  randomBytes,
  seal,
  xchachaOpenNode,
  xchachaSealNode,
} from '../../src-main/vault/crypto'
import { DEFAULT_KDF } from '../../src-main/vault'

beforeAll(async () => {
  await cryptoReady()
})

describe('XChaCha20-Poly1305', () => {
  it('node:crypto chacha20-poly1305 + HChaCha20 is byte-identical to libsodium', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 64 }),
        (key, nonce, msg, ad) => {
          const reference = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
            msg,
            ad,
            null,
            nonce,
            key,
          )
          const ours = xchachaSealNode(key, nonce, msg, ad)
          expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true)
          expect(
            Buffer.from(xchachaOpenNode(key, nonce, reference, ad) as Uint8Array).equals(
              Buffer.from(msg),
            ),
          ).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('seals with a fresh nonce each time and opens only with the same key and associated data', () => {
    const key = newVaultKey()
    const msg = new TextEncoder().encode('a secret')
    const ad = associatedData('vault', 'entry', 'key')
    const a = seal(key, msg, ad)
    const b = seal(key, msg, ad)
    expect(Buffer.from(a.subarray(0, 24)).equals(Buffer.from(b.subarray(0, 24)))).toBe(false)
    expect(new TextDecoder().decode(open(key, a, ad) as Uint8Array)).toBe('a secret')
    expect(open(key, a, associatedData('vault', 'entry', 'secret'))).toBeNull()
    expect(open(key, a, associatedData('vault', 'other', 'key'))).toBeNull()
    expect(open(newVaultKey(), a, ad)).toBeNull()
    expect(open(key, a.subarray(0, 30), ad)).toBeNull()
  })

  it('BulkOpener opens exactly what open() opens, across buffer growth', () => {
    const key = newVaultKey()
    const opener = new BulkOpener(key)
    try {
      fc.assert(
        fc.property(
          fc.string({ unit: 'grapheme', maxLength: 3000 }),
          fc.string({ maxLength: 40 }),
          (text, id) => {
            const sealed = seal(
              key,
              new TextEncoder().encode(text),
              associatedData('v', id, 'meta'),
            )
            expect(opener.openText(sealed, associatedText('v', id, 'meta'))).toBe(text)
            expect(opener.openText(sealed, associatedText('v', id + 'x', 'meta'))).toBeNull()
            const flipped = Uint8Array.from(sealed)
            flipped[flipped.length - 1] ^= 1
            expect(opener.openText(flipped, associatedText('v', id, 'meta'))).toBeNull()
          },
        ),
        { numRuns: 200 },
      )
    } finally {
      opener.dispose()
    }
  })

  it('takes nonces from a pool without ever repeating bytes', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) seen.add(Buffer.from(randomBytes(24)).toString('hex'))
    expect(seen.size).toBe(2000)
  })
})

describe('Argon2id', () => {
  it('derives a deterministic key per password and salt at the default parameters (64 MiB, 3 passes)', () => {
    expect(DEFAULT_KDF).toEqual({ opsLimit: 3, memLimitBytes: 64 * 1024 * 1024 })
    const salt = new Uint8Array(16).fill(9)
    const a = deriveKek('pässword', salt, DEFAULT_KDF)
    const b = deriveKek('pa\u0308ssword', salt, DEFAULT_KDF) // NFD form of the same text
    expect(a).toHaveLength(32)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    const reference = sodium.crypto_pwhash(
      32,
      'pässword',
      salt,
      3,
      64 * 1024 * 1024,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    )
    expect(Buffer.from(a).equals(Buffer.from(reference))).toBe(true)
  })
})
