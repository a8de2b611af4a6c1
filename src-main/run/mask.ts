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
 * Search: with a few secrets, Buffer.indexOf per secret (native, several GB/s a scan); with more,
 * one pass over the bytes that hashes each 4-byte window and checks the secrets starting with it
 * only where a bucket holds one (about 800 MB/s whatever the number of secrets; measured in
 * test/bench/run.bench.ts). A chunk without a secret is passed on without a copy.
 */
import { Transform, type TransformCallback } from 'node:stream'

export const CONCEALED = '<concealed by keywarden>'
const CONCEALED_BYTES = Buffer.from(CONCEALED)
/** A held partial secret at least this long is concealed at the end, not printed. */
const CONCEAL_PARTIAL_AT_END = 8
/** Up to this many secrets, one indexOf scan each beats the single hashing pass. */
const INDEXOF_MAX_SECRETS = 6
const WINDOW = 4

/** Bucket of a 4-byte window (a multiplicative hash to 16 bits; scan() inlines it). */
function bucketOf(window: number): number {
  return Math.imul(window, 0x9e3779b1) >>> 16
}

interface Match {
  start: number
  end: number
}

export class Masker {
  private readonly secrets: Buffer[]
  private readonly maxLength: number
  private tail: Buffer = Buffer.alloc(0)
  /** For many secrets: bucket of a secret's first 4 bytes -> 1 + index into groups (0: none). */
  private buckets: Uint16Array | null = null
  private readonly groups: Buffer[][] = []
  private readonly short: Buffer[] = []

  constructor(secrets: Iterable<string>) {
    const unique = [...new Set([...secrets].filter((s) => s.length > 0))]
    // Longest first, so that of two secrets starting at the same byte the longer one wins.
    this.secrets = unique.map((s) => Buffer.from(s)).sort((a, b) => b.length - a.length)
    this.maxLength = this.secrets.length > 0 ? this.secrets[0].length : 0
    if (this.secrets.length > INDEXOF_MAX_SECRETS) {
      // Secrets shorter than the window (none from the vault, whose keys have 16+ characters)
      // are searched with indexOf.
      this.buckets = new Uint16Array(1 << 16)
      for (const secret of this.secrets) {
        if (secret.length < WINDOW) {
          this.short.push(secret)
          continue
        }
        const b = bucketOf(secret.readUInt32BE(0))
        if (this.buckets[b] === 0) {
          this.groups.push([])
          this.buckets[b] = this.groups.length
        }
        this.groups[this.buckets[b] - 1].push(secret)
      }
    }
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
    const found: Match[] = this.buckets ? this.scan(data, this.buckets) : []
    for (const secret of this.buckets ? this.short : this.secrets) {
      let at = data.indexOf(secret)
      while (at >= 0) {
        found.push({ start: at, end: at + secret.length })
        at = data.indexOf(secret, at + secret.length)
      }
    }
    if (found.length <= 1) return found
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

  /** Every occurrence of a secret of WINDOW bytes or more, in one pass over the data. */
  private scan(data: Buffer, buckets: Uint16Array): Match[] {
    const found: Match[] = []
    const n = data.length
    if (n < WINDOW) return found
    // A plain loop over a typed array, the hash inlined: V8 keeps it near 1 GB/s. The window is
    // kept a signed 32-bit integer (an unsigned one above 2^31 would be a heap number per byte).
    let window = (data[0] << 16) | (data[1] << 8) | data[2]
    for (let i = 3; i < n; i++) {
      window = (window << 8) | data[i]
      const group = buckets[Math.imul(window, 0x9e3779b1) >>> 16]
      if (group !== 0) this.verify(data, i - 3, this.groups[group - 1], found)
    }
    return found
  }

  /** The secrets of one bucket that really start at `start`. */
  private verify(data: Buffer, start: number, group: Buffer[], found: Match[]): void {
    for (const secret of group) {
      const end = start + secret.length
      if (end <= data.length && data.compare(secret, 0, secret.length, start, end) === 0)
        found.push({ start, end })
    }
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
