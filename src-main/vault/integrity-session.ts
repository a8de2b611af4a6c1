/**
 * The integrity record as an unlocked vault keeps it: checked at unlock against the file and
 * this machine's last-seen record, taken over from another process's commit, and written anew by
 * every entry commit in the same transaction (integrity.ts has the record's format).
 */
import { VaultOlderError } from './errors'
import type { EntryCache } from './entry-cache'
import {
  INTEGRITY_DAMAGED_REASON,
  INTEGRITY_RECORD_ID,
  compareWithManifest,
  nextIntegrity,
  readIntegrity,
  type Manifest,
} from './integrity'
import type { LastSeenRecord } from './last-seen'
import type { HeaderRow, VaultStore } from './store'

export class IntegritySession {
  /** The manifest as of the last commit this process knows of. */
  private manifest: Manifest = new Map()
  /** The store stamp the manifest matches (another process's commit changes it). */
  private stamp = ''
  /** The state a commit wrote, recorded as last seen once the transaction has committed. */
  private pendingSeen: { counter: number; at: number } | null = null
  /** What the last commitChanges replaced in the manifest, until the transaction ends. */
  private undo: [string, number | undefined][] | null = null

  constructor(
    private readonly store: VaultStore,
    private readonly vaultId: string,
    private readonly macKey: Uint8Array,
    private readonly lastSeen: LastSeenRecord,
    private readonly now: () => number,
  ) {}

  /**
   * At unlock: check the record's MAC, refuse a file older than this machine last saw (unless
   * `acceptOlder`), and mark in `cache` every entry that is not as the last commit left it.
   */
  check(cache: EntryCache, acceptOlder: boolean): void {
    const header = this.store.header() as HeaderRow
    const seen = this.lastSeen.get(this.vaultId)
    const read = readIntegrity(header, this.macKey)
    const rows = (): Manifest => new Map(this.store.versions().map((r) => [r.id, r.version]))
    if (read.state === 'absent') {
      // A vault from before integrity records. If this machine saw it with one, it was put back.
      if (seen && seen.counter > 0 && !acceptOlder) throw new VaultOlderError(seen.at, null)
      this.commit(rows(), cache)
      this.committed()
      return
    }
    if (read.state === 'damaged') {
      // Nothing can be named; the next commit writes a fresh record from the rows as they are.
      cache.broken.set(INTEGRITY_RECORD_ID, INTEGRITY_DAMAGED_REASON)
      this.manifest = rows()
      this.stamp = this.store.entriesStamp()
      return
    }
    if (seen && read.counter < seen.counter && !acceptOlder)
      throw new VaultOlderError(seen.at, read.at)
    this.manifest = read.manifest
    this.stamp = this.store.entriesStamp()
    for (const problem of compareWithManifest(read.manifest, rows()))
      cache.markBroken(problem.id, problem.reason)
    const state = { counter: read.counter, at: read.at }
    this.lastSeen.record(this.vaultId, state, { replace: acceptOlder })
  }

  /** Inside a write transaction: take the manifest another process committed, if any. */
  syncFromFile(): void {
    if (this.stamp === this.store.entriesStamp()) return
    const read = readIntegrity(this.store.header() as HeaderRow, this.macKey)
    if (read.state === 'ok') this.manifest = read.manifest
  }

  /**
   * Inside a write transaction: record the entries a write put and removed. The manifest is
   * changed in place (copying 100k entries per write was a third of a write's time), with what
   * it replaced kept to undo if the transaction rolls back.
   */
  commitChanges(
    put: readonly { id: string; version: number }[],
    removed: readonly string[],
    cache: EntryCache,
  ): void {
    const undo: [string, number | undefined][] = []
    for (const p of put) {
      undo.push([p.id, this.manifest.get(p.id)])
      this.manifest.set(p.id, p.version)
    }
    for (const id of removed) {
      undo.push([id, this.manifest.get(id)])
      this.manifest.delete(id)
    }
    this.undo = undo
    this.commit(this.manifest, cache)
  }

  /**
   * After the write transaction committed: the manifest matches the file as this connection left
   * it, and this machine records the new state. Recording before the commit would make a crash
   * between the two look like a rollback at the next unlock.
   */
  committed(): void {
    this.stamp = this.store.entriesStamp()
    if (this.pendingSeen) this.lastSeen.record(this.vaultId, this.pendingSeen)
    this.pendingSeen = null
    this.undo = null
  }

  /** The write transaction rolled back: forget what it would have committed. */
  rolledBack(): void {
    this.pendingSeen = null
    for (const [id, version] of (this.undo ?? []).reverse())
      if (version === undefined) this.manifest.delete(id)
      else this.manifest.set(id, version)
    this.undo = null
  }

  private commit(manifest: Manifest, cache: EntryCache): void {
    const header = this.store.header() as HeaderRow
    const at = Math.max(this.now(), header.commit_at ?? 0)
    const row = nextIntegrity(
      this.macKey,
      this.vaultId,
      header.commit_counter,
      at,
      manifest,
      // The audit log's last record now: the MAC vouches that the log reaches it (audit.ts).
      this.store.lastAuditSeq(),
    )
    this.store.transaction(() => this.store.writeIntegrity(row))
    this.manifest = manifest
    cache.broken.delete(INTEGRITY_RECORD_ID)
    this.pendingSeen = { counter: row.commit_counter, at }
  }
}
