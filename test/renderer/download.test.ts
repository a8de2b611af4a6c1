import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../src-renderer/lib/download'

describe('base64 of an upload or a backup download', () => {
  it('round-trips bytes exactly, across the chunk size and at 10 MB', () => {
    for (const n of [0, 1, 2, 3, 0x8000 - 1, 0x8000, 0x8000 + 1, 10 * 1024 * 1024]) {
      const bytes = new Uint8Array(randomBytes(n))
      const text = toBase64(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64'))
      expect(Buffer.from(fromBase64(text)).equals(Buffer.from(bytes))).toBe(true)
    }
  })
})
