/**
 * The vault's integrity record: a commit counter, the time of the last commit and a manifest of
 * every entry's id and version, MAC'd with a key derived from the vault key. Each entry's own
 * ciphertext vouches for its content and version; this record vouches for the set: a row put
 * back from an older copy, a deleted row, or a removed row put back are named at unlock, and a
 * whole file put back is caught by its counter (see last-seen.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { HeaderRow, IntegrityRow } from './store'

export type IntegrityRead =
  | { state: 'absent' }
  | { state: 'damaged' }
  /** `manifest`: "id version" lines, as of the last commit (see forEachManifestLine). */
  | { state: 'ok'; counter: number; at: number | null; manifest: Uint8Array }

export const ROLLED_BACK_REASON =
  'Damaged or rolled back: this entry was put back from an older copy of the vault; the newer version is gone.'
export const REPLAYED_REASON =
  'Damaged or rolled back: this entry was removed earlier and has been put back from an older copy.'
export const DELETED_REASON =
  'Damaged or rolled back: this entry was deleted from the vault file outside Keywarden.'
export const NEWER_REASON =
  'Damaged or rolled back: this entry does not match the version the vault recorded for it.'
export const INTEGRITY_DAMAGED_REASON =
  "The vault's integrity record was modified outside Keywarden, so rolled-back or deleted entries cannot be detected until the next change is saved."
/** The id under which a damaged integrity record is reported among damaged entries. */
export const INTEGRITY_RECORD_ID = 'vault-integrity-record'

/**
 * Call `each` with every "id version" line of a manifest; false when one is malformed. No map is
 * built: at 100k entries a decoded manifest was tens of MB held for nothing.
 */
export function forEachManifestLine(
  bytes: Uint8Array,
  each: (id: string, version: number) => void = () => undefined,
): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    if (end === -1) return false
    const space = text.lastIndexOf(' ', end)
    if (space <= start) return false
    const version = versionAt(text, space + 1, end)
    if (!Number.isSafeInteger(version) || version < 0) return false
    each(text.slice(start, space), version)
    start = end + 1
  }
  return true
}

/** The number in `text[from..to)`: read digit by digit (a slice per line cost more), else `Number`. */
function versionAt(text: string, from: number, to: number): number {
  if (from === to || to - from > 15) return Number(text.slice(from, to))
  let n = 0
  for (let p = from; p < to; p++) {
    const d = text.charCodeAt(p) - 48
    if (d < 0 || d > 9) return Number(text.slice(from, to))
    n = n * 10 + d
  }
  return n
}

function macOf(
  macKey: Uint8Array,
  vaultId: string,
  counter: number,
  at: number | null,
  manifest: Uint8Array,
  auditSeq: number | null,
): Buffer {
  const digest = createHash('sha256').update(manifest).digest('hex')
  // The audit log's last record as of this commit (audit.ts); absent before the log existed,
  // so records written by earlier versions keep their MAC.
  const audit = auditSeq === null ? '' : `\0audit ${auditSeq}`
  return createHmac('sha256', macKey)
    .update(`keywarden-integrity/v1\0${vaultId}\0${counter}\0${at ?? ''}\0${digest}${audit}`)
    .digest()
}

/**
 * Read and check the record in `header` with the vault's MAC key. `lines: false` leaves the
 * manifest's lines unchecked, for a caller that reads them all anyway and treats a malformed
 * one as a damaged record (IntegritySession.check).
 */
export function readIntegrity(
  header: HeaderRow,
  macKey: Uint8Array,
  { lines = true }: { lines?: boolean } = {},
): IntegrityRead {
  if (header.integrity_mac === null && header.manifest === null && header.commit_counter === 0)
    return { state: 'absent' }
  if (header.integrity_mac === null || header.manifest === null) return { state: 'damaged' }
  const expected = macOf(
    macKey,
    header.vault_id,
    header.commit_counter,
    header.commit_at,
    header.manifest,
    header.audit_seq ?? null,
  )
  const found = Buffer.from(header.integrity_mac)
  if (found.length !== expected.length || !timingSafeEqual(found, expected))
    return { state: 'damaged' }
  if (lines && !forEachManifestLine(header.manifest)) return { state: 'damaged' }
  return {
    state: 'ok',
    counter: header.commit_counter,
    at: header.commit_at,
    manifest: header.manifest,
  }
}

/** The record of a commit after `previousCounter`, to write inside the commit's transaction. */
export function nextIntegrity(
  macKey: Uint8Array,
  vaultId: string,
  previousCounter: number,
  at: number,
  bytes: Uint8Array,
  auditSeq: number | null = null,
): IntegrityRow {
  const counter = previousCounter + 1
  return {
    commit_counter: counter,
    commit_at: at,
    manifest: bytes,
    integrity_mac: macOf(macKey, vaultId, counter, at, bytes, auditSeq),
    audit_seq: auditSeq,
  }
}
