/**
 * The clear columns an unlock record carries after its sealed blob (store.ts unlockChunk):
 * "updated_at|version", then "|status|time" when the key was validated. Read straight from the
 * record's bytes: a string, a split and three numbers per entry were a tenth of a 10k-entry
 * `keywarden list` spent opening entries.
 */
import type { ValidationStatus } from './types'

export interface RowExtra {
  updatedAt: number
  version: number
  checkStatus: ValidationStatus | null
  checkAt: number | null
}

const BAR = 0x7c
const ZERO = 0x30

/**
 * The digits at `bytes[start..end)` up to a '|' or the end, as a number, and where they stop in
 * `stopped`; NaN for anything but plain digits (then the caller reads the text the slow way).
 */
function digitsAt(bytes: Uint8Array, start: number, end: number, stopped: { at: number }): number {
  let n = 0
  let p = start
  for (; p < end; p++) {
    const d = bytes[p]! - ZERO
    if (d < 0 || d > 9) break
    n = n * 10 + d
  }
  stopped.at = p
  if (p === start || p - start > 15 || (p < end && bytes[p] !== BAR)) return NaN
  return n
}

/** The extra field as text, split and converted as the query wrote it (any shape). */
function fromText(text: string): RowExtra {
  const parts = text.split('|')
  return {
    updatedAt: Number(parts[0]),
    version: Number(parts[1]),
    checkStatus: parts.length > 2 ? (parts[2] as ValidationStatus) : null,
    checkAt: parts.length > 2 ? Number(parts[3]) : null,
  }
}

const stop = { at: 0 }

/** Read the extra field at `bytes[start..end)` (see the module comment). */
export function readRowExtra(bytes: Buffer, start: number, end: number): RowExtra {
  const updatedAt = digitsAt(bytes, start, end, stop)
  const version = Number.isNaN(updatedAt) ? NaN : digitsAt(bytes, stop.at + 1, end, stop)
  if (Number.isNaN(version)) return fromText(bytes.toString('utf8', start, end))
  if (stop.at === end) return { updatedAt, version, checkStatus: null, checkAt: null }
  // Validated keys only: rare enough for the general path.
  return fromText(bytes.toString('utf8', start, end))
}
