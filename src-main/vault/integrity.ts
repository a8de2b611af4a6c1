/**
 * The vault's integrity record: a commit counter, the time of the last commit and a manifest of
 * every entry's id and version, MAC'd with a key derived from the vault key. Each entry's own
 * ciphertext vouches for its content and version; this record vouches for the set: a row put
 * back from an older copy, a deleted row, or a removed row put back are named at unlock, and a
 * whole file put back is caught by its counter (see last-seen.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { HeaderRow, IntegrityRow } from './store'

/** The manifest: entry id → version, as of the last commit. */
export type Manifest = Map<string, number>

export type IntegrityRead =
  | { state: 'absent' }
  | { state: 'damaged' }
  | { state: 'ok'; counter: number; at: number | null; manifest: Manifest }

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

export function encodeManifest(manifest: Manifest): Uint8Array {
  let text = ''
  for (const [id, version] of manifest) text += `${id} ${version}\n`
  return Buffer.from(text, 'utf8')
}

export function decodeManifest(bytes: Uint8Array): Manifest | null {
  const out: Manifest = new Map()
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (text === '') return out
  if (!text.endsWith('\n')) return null
  for (const line of text.slice(0, -1).split('\n')) {
    const space = line.lastIndexOf(' ')
    const version = Number(line.slice(space + 1))
    if (space <= 0 || !Number.isSafeInteger(version) || version < 0) return null
    out.set(line.slice(0, space), version)
  }
  return out
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

/** Read and check the record in `header` with the vault's MAC key. */
export function readIntegrity(header: HeaderRow, macKey: Uint8Array): IntegrityRead {
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
  const manifest = decodeManifest(header.manifest)
  if (!manifest) return { state: 'damaged' }
  return { state: 'ok', counter: header.commit_counter, at: header.commit_at, manifest }
}

/** The record of a commit after `previousCounter`, to write inside the commit's transaction. */
export function nextIntegrity(
  macKey: Uint8Array,
  vaultId: string,
  previousCounter: number,
  at: number,
  manifest: Manifest,
  auditSeq: number | null = null,
): IntegrityRow {
  const counter = previousCounter + 1
  const bytes = encodeManifest(manifest)
  return {
    commit_counter: counter,
    commit_at: at,
    manifest: bytes,
    integrity_mac: macOf(macKey, vaultId, counter, at, bytes, auditSeq),
    audit_seq: auditSeq,
  }
}

/**
 * Compare the rows in the file (id → version, including rows that failed to open) with the
 * manifest; returns each entry that is not as the last commit left it, with the reason.
 */
export function compareWithManifest(
  manifest: Manifest,
  rows: ReadonlyMap<string, number>,
): { id: string; reason: string }[] {
  const out: { id: string; reason: string }[] = []
  for (const [id, version] of rows) {
    const recorded = manifest.get(id)
    if (recorded === undefined) out.push({ id, reason: REPLAYED_REASON })
    else if (version < recorded) out.push({ id, reason: ROLLED_BACK_REASON })
    else if (version > recorded) out.push({ id, reason: NEWER_REASON })
  }
  for (const id of manifest.keys()) if (!rows.has(id)) out.push({ id, reason: DELETED_REASON })
  return out
}
