/**
 * Masking: every resolved secret in a child's output becomes `<concealed by keywarden>`, also
 * when it arrives split across writes.
 *
 * Between chunks the masker holds back only the bytes that could be the start of a secret: the
 * longest end of the output so far that is a proper prefix of some secret (never more than the
 * longest secret less one byte). Output that ends elsewhere is passed on at once, so prompts and
 * progress bars are not delayed. At the end of the stream a held start of 8 bytes or more is
 * concealed too (a child that printed most of a secret and stopped); a shorter one is printed.
 *
 * Search: Buffer.indexOf per secret (native, and measured fast enough for tens of secrets, see
 * test/bench/run.bench.ts); a chunk without a secret is passed on without a copy.
 */
import { Transform, type TransformCallback } from 'node:stream'

export const CONCEALED = '<concealed by keywarden>'
const CONCEALED_BYTES = Buffer.from(CONCEALED)
/** A held partial secret at least this long is concealed at the end, not printed. */
const CONCEAL_PARTIAL_AT_END = 8

interface Match {
  start: number
  end: number
}

export class Masker {
  private readonly secrets: Buffer[]
  private readonly maxLength: number
  private tail: Buffer = Buffer.alloc(0)

  constructor(secrets: Iterable<string>) {
    const unique = [...new Set([...secrets].filter((s) => s.length > 0))]
    // Longest first, so that of two secrets starting at the same byte the longer one wins.
    this.secrets = unique.map((s) => Buffer.from(s)).sort((a, b) => b.length - a.length)
    this.maxLength = this.secrets.length > 0 ? this.secrets[0].length : 0
  }

  get active(): boolean {
    return this.secrets.length > 0
  }

  /** Masked output for the next chunk (possibly empty while a partial secret is held). */
  push(chunk: Buffer): Buffer {
    if (this.secrets.length === 0) return chunk
    const data = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk
    const matches = this.find(data)
    const lastEnd = matches.length > 0 ? matches[matches.length - 1].end : 0
    const hold = this.holdFrom(data, lastEnd)
    this.tail = hold < data.length ? Buffer.from(data.subarray(hold)) : Buffer.alloc(0)
    return this.replace(data, matches, hold)
  }

  /** What is left at the end of the stream. */
  end(): Buffer {
    const rest = this.tail
    this.tail = Buffer.alloc(0)
    return rest.length >= CONCEAL_PARTIAL_AT_END ? CONCEALED_BYTES : rest
  }

  /** Every occurrence of a secret, leftmost first, overlaps resolved in favour of the earlier. */
  private find(data: Buffer): Match[] {
    const found: Match[] = []
    for (const secret of this.secrets) {
      let at = data.indexOf(secret)
      while (at >= 0) {
        found.push({ start: at, end: at + secret.length })
        at = data.indexOf(secret, at + secret.length)
      }
    }
    if (found.length <= 1 || this.secrets.length === 1) return found
    found.sort((a, b) => a.start - b.start || b.end - a.end)
    const kept: Match[] = []
    let covered = 0
    for (const m of found) {
      if (m.start < covered) {
        // Overlapping secrets: extend the concealed span rather than print part of one.
        if (m.end > covered) kept[kept.length - 1].end = covered = m.end
        continue
      }
      kept.push({ ...m })
      covered = m.end
    }
    return kept
  }

  /** Where the longest end of `data` (after `from`) that starts some secret begins. */
  private holdFrom(data: Buffer, from: number): number {
    let hold = data.length
    const lowest = Math.max(from, data.length - (this.maxLength - 1))
    for (const secret of this.secrets) {
      const first = secret[0]
      for (let p = Math.max(lowest, data.length - (secret.length - 1)); p < hold; p++) {
        if (data[p] !== first) continue
        if (data.compare(secret, 0, data.length - p, p) === 0) {
          hold = p
          break
        }
      }
    }
    return hold
  }

  private replace(data: Buffer, matches: Match[], upTo: number): Buffer {
    if (matches.length === 0) return upTo === data.length ? data : data.subarray(0, upTo)
    const parts: Buffer[] = []
    let at = 0
    for (const m of matches) {
      if (m.start > at) parts.push(data.subarray(at, m.start))
      parts.push(CONCEALED_BYTES)
      at = m.end
    }
    if (upTo > at) parts.push(data.subarray(at, upTo))
    return Buffer.concat(parts)
  }
}

/** A stream that masks what passes through it. */
export function maskingStream(secrets: Iterable<string>): Transform {
  const masker = new Masker(secrets)
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const out = masker.push(chunk)
      if (out.length > 0) this.push(out)
      done()
    },
    flush(done: TransformCallback) {
      const out = masker.end()
      if (out.length > 0) this.push(out)
      done()
    },
  })
}
