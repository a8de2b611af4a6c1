/**
 * The integrity record as an unlocked vault keeps it: checked at unlock against the file and
 * this machine's last-seen record, taken over from another process's commit, and written anew by
 * every entry commit in the same transaction (integrity.ts has the record's format).
 */
import { VaultOlderError } from './errors'
import type { EntryCache } from './entry-cache'
import {
  DELETED_REASON,
  INTEGRITY_DAMAGED_REASON,
  INTEGRITY_RECORD_ID,
  NEWER_REASON,
  REPLAYED_REASON,
  ROLLED_BACK_REASON,
  forEachManifestLine,
  nextIntegrity,
  readIntegrity,
} from './integrity'
import type { LastSeenRecord } from './last-seen'
import type { HeaderRow, VaultStore } from './store'

export class IntegritySession {
  /**
   * Recorded versions of the entries the manifest holds but the cache does not (damaged, rolled
   * back or deleted outside Keywarden): they stay in the manifest until removed, so the next
   * unlock names them again. Every other entry's recorded version is its cached version, so the
   * full manifest (4 MB at 100k entries) is never kept in memory.
   */
  private outside = new Map<string, number>()
  /** The store stamp `outside` matches (another process's commit changes it). */
  private stamp = ''
  /** The state a commit wrote, recorded as last seen once the transaction has committed. */
  private pendingSeen: { counter: number; at: number } | null = null
  /** Ids a commit removed, dropped from `outside` once the transaction has committed. */
  private pendingRemoved: readonly string[] = []

  constructor(
    private readonly store: VaultStore,
    private readonly vaultId: string,
    private readonly macKey: Uint8Array,
    private readonly lastSeen: LastSeenRecord,
    private readonly now: () => number,
  ) {}

  /**
   * At a progressive unlock, before the entries are open: refuse a file older than this machine
   * last saw (unless `acceptOlder`), as `check` would. Needs no rows; `check` follows once they
   * are all open (it repeats this, in case the file changed in between).
   */
  precheck(acceptOlder: boolean): void {
    if (acceptOlder) return
    const seen = this.lastSeen.get(this.vaultId)
    if (!seen || seen.counter === 0) return
    const header = this.store.header() as HeaderRow
    // A counter at or past the one seen cannot be a rollback, whatever the MAC says; a forged
    // one fails the MAC in `check`, which marks the record damaged (as an unlock always did).
    if (header.commit_counter >= seen.counter) return
    const read = readIntegrity(header, this.macKey)
    if (read.state === 'absent') throw new VaultOlderError(seen.at, null)
    if (read.state === 'ok' && read.counter < seen.counter)
      throw new VaultOlderError(seen.at, read.at)
  }

  /**
   * At unlock: check the record's MAC, refuse a file older than this machine last saw (unless
   * `acceptOlder`), and mark in `cache` every entry that is not as the last commit left it.
   */
  check(cache: EntryCache, acceptOlder: boolean): void {
    const header = this.store.header() as HeaderRow
    const seen = this.lastSeen.get(this.vaultId)
    let read = readIntegrity(header, this.macKey, { lines: false })
    // One pass over the manifest both checks its lines and compares them with the cache (10k
    // entries: two passes were a fifth of the check). What it finds is applied only once every
    // line proved well-formed: a malformed manifest is a damaged record, and marks nothing.
    const found = read.state === 'ok' ? this.compare(read.manifest, cache) : null
    if (found === null && read.state === 'ok') read = { state: 'damaged' }
    if (read.state === 'absent') {
      // A vault from before integrity records. If this machine saw it with one, it was put back.
      if (seen && seen.counter > 0 && !acceptOlder) throw new VaultOlderError(seen.at, null)
      this.takeOutsideFromRows(cache)
      this.commit(cache, [], [])
      this.committed()
      return
    }
    if (read.state === 'damaged' || found === null) {
      // Nothing can be named; the next commit writes a fresh record from the rows as they are.
      cache.broken.set(INTEGRITY_RECORD_ID, INTEGRITY_DAMAGED_REASON)
      this.takeOutsideFromRows(cache)
      this.stamp = this.store.entriesStamp()
      return
    }
    if (seen && read.counter < seen.counter && !acceptOlder)
      throw new VaultOlderError(seen.at, read.at)
    this.outside = found.outside
    for (const [id, reason] of found.marks) cache.markBroken(id, reason)
    for (const id of found.deleted) if (!cache.broken.has(id)) cache.broken.set(id, DELETED_REASON)
    // Rows the manifest does not list: removed earlier and put back. Rare; only then a set.
    if (found.listed < cache.entries.size + found.marks.length) {
      const ids = new Set<string>()
      forEachManifestLine(read.manifest, (id) => ids.add(id))
      for (const id of [...cache.entries.keys()])
        if (!ids.has(id)) cache.markBroken(id, REPLAYED_REASON)
    }
    this.stamp = this.store.entriesStamp()
    const state = { counter: read.counter, at: read.at }
    this.lastSeen.record(this.vaultId, state, { replace: acceptOlder })
  }

  /**
   * Compare the manifest's lines with the cache, changing nothing: the entries at another
   * version than recorded (to mark), those recorded but not open (deleted, or already damaged),
   * the recorded versions of both (kept outside the cache), and how many lines named an open
   * entry. Null when a line is malformed.
   */
  private compare(
    manifest: Uint8Array,
    cache: EntryCache,
  ): {
    marks: [string, string][]
    deleted: string[]
    outside: Map<string, number>
    listed: number
  } | null {
    const marks: [string, string][] = []
    const deleted: string[] = []
    const outside = new Map<string, number>()
    let listed = 0
    const ok = forEachManifestLine(manifest, (id, recorded) => {
      const c = cache.get(id)
      if (c) {
        listed++
        if (c.summary.version < recorded) marks.push([id, ROLLED_BACK_REASON])
        else if (c.summary.version > recorded) marks.push([id, NEWER_REASON])
        if (c.summary.version !== recorded) outside.set(id, recorded)
        return
      }
      outside.set(id, recorded)
      deleted.push(id)
    })
    return ok ? { marks, deleted, outside, listed } : null
  }

  /**
   * Inside a write transaction, after the cache was synced: when another process committed,
   * take the entries its manifest holds outside the cache.
   */
  syncFromFile(cache: EntryCache): void {
    if (this.stamp === this.store.entriesStamp()) return
    const read = readIntegrity(this.store.header() as HeaderRow, this.macKey)
    if (read.state !== 'ok') return
    const outside = new Map<string, number>()
    forEachManifestLine(read.manifest, (id, recorded) => {
      if (cache.get(id)?.summary.version !== recorded) outside.set(id, recorded)
    })
    this.outside = outside
  }

  /** Inside a write transaction: commit the record with the entries a write put and removed. */
  commitChanges(
    put: readonly { id: string; version: number }[],
    removed: readonly string[],
    cache: EntryCache,
  ): void {
    this.commit(cache, put, removed)
  }

  /**
   * After the write transaction committed: this machine records the new state. Recording before
   * the commit would make a crash between the two look like a rollback at the next unlock.
   */
  committed(): void {
    this.stamp = this.store.entriesStamp()
    if (this.pendingSeen) this.lastSeen.record(this.vaultId, this.pendingSeen)
    for (const id of this.pendingRemoved) this.outside.delete(id)
    this.pendingSeen = null
    this.pendingRemoved = []
  }

  /** The write transaction rolled back: forget what it would have committed. */
  rolledBack(): void {
    this.pendingSeen = null
    this.pendingRemoved = []
  }

  /** The outside entries of a vault without a usable record: rows in the file not in the cache. */
  private takeOutsideFromRows(cache: EntryCache): void {
    this.outside = new Map()
    for (const { id, version } of this.store.versions())
      if (!cache.get(id)) this.outside.set(id, version)
  }

  /**
   * Write the next record: the manifest is every cached entry at its version (or the version this
   * write gives it), the entries this write adds, and the entries held outside the cache.
   */
  private commit(
    cache: EntryCache,
    put: readonly { id: string; version: number }[],
    removed: readonly string[],
  ): void {
    const putVersions = new Map(put.map((p) => [p.id, p.version]))
    const gone = new Set(removed)
    let text = ''
    for (const [id, c] of cache.entries) {
      if (gone.has(id)) continue
      text += `${id} ${putVersions.get(id) ?? c.summary.version}\n`
      putVersions.delete(id)
    }
    for (const [id, version] of putVersions) if (!gone.has(id)) text += `${id} ${version}\n`
    for (const [id, version] of this.outside)
      if (!gone.has(id) && !cache.get(id)) text += `${id} ${version}\n`
    const header = this.store.header() as HeaderRow
    const at = Math.max(this.now(), header.commit_at ?? 0)
    const row = nextIntegrity(
      this.macKey,
      this.vaultId,
      header.commit_counter,
      at,
      Buffer.from(text, 'utf8'),
      // The audit log's last record now: the MAC vouches that the log reaches it (audit.ts).
      this.store.lastAuditSeq(),
    )
    this.store.transaction(() => this.store.writeIntegrity(row))
    cache.broken.delete(INTEGRITY_RECORD_ID)
    this.pendingSeen = { counter: row.commit_counter, at }
    this.pendingRemoved = removed
  }
}
