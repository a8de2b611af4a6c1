/**
 * The decrypted view of an unlocked vault: every entry's summary (no key material), the peer index
 * the provider limits are counted over, and the entries that failed to open. It is filled at
 * unlock, and brought up to date with the file before every write and read (`sync`), so what a
 * write checks is the row as it is now, even when another process committed in the meantime.
 */
import { STYLE_RULES, type KeyFacts } from '../providers'
import { decodeMetaText, type EntryMeta } from './codec'
import { BulkOpener, associatedText, open } from './crypto'
import { EntryNotFoundError, EntryTamperedError } from './errors'
import { INTEGRITY_RECORD_ID } from './integrity'
import { nextTurn } from './next-turn'
import type { RecordChunk } from './read-ahead'
import { readRowExtra } from './row-extra'
import { boundOfRow, metaAssociatedData } from './sealing'
import type { EntryRow, VaultStore } from './store'
import type { EntryStyle } from '../providers'
import type { EntrySummary } from './types'

export const DAMAGED_REASON =
  'Damaged or rolled back: its encrypted fields, or the clear metadata they vouch for, were modified, truncated or moved.'

export interface CachedEntry {
  summary: EntrySummary
  keyMask: string
  /** Masks of previous keys, when the sealed document keeps them (see codec.ts). */
  history: EntryMeta['history']
  /**
   * Lower-cased name, notes, tags and provider, for search; made by the first search or in the
   * background after unlock (100k of them at unlock were a tenth of its time).
   */
  haystack: string | null
}

function lastCheckOf(row: EntryRow): EntrySummary['lastCheck'] {
  return row.last_check_status !== null && row.last_check_at !== null
    ? { status: row.last_check_status, at: row.last_check_at }
    : null
}

/**
 * Shared stand-ins for the empty tag list, scope and history most entries have: one empty array
 * or object per entry was ~11 MB of a 100k vault's cache (they are frozen, so sharing is safe).
 */
const NO_TAGS: string[] = Object.freeze([]) as unknown as string[]
const NO_SCOPE: EntrySummary['scope'] = Object.freeze({})
const NO_HISTORY: NonNullable<EntryMeta['history']> = Object.freeze([]) as unknown as NonNullable<
  EntryMeta['history']
>

function isEmptyScope(scope: EntrySummary['scope']): boolean {
  for (const _ in scope) return false
  return true
}

/** One summary object literal per entry (a spread doubled a 100k unlock's time and memory). */
export function summarize(row: EntryRow, meta: EntryMeta, historyCount: number): EntrySummary {
  return Object.freeze({
    id: row.id,
    style: row.style,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    lastRotatedAt: row.last_rotated_at,
    rotationPolicyDays: row.rotation_policy_days,
    lastCheck: lastCheckOf(row),
    version: row.version,
    name: meta.name,
    environment: meta.environment,
    tags: meta.tags.length === 0 ? NO_TAGS : (Object.freeze(meta.tags) as string[]),
    notes: meta.notes,
    scope: isEmptyScope(meta.scope) ? NO_SCOPE : Object.freeze(meta.scope),
    baseUrl: meta.baseUrl,
    origin: meta.origin,
    serverKeyId: meta.serverKeyId,
    hasSecret: meta.hasSecret,
    historyCount,
  })
}

export function haystackOf(s: EntrySummary): string {
  return `${s.name}\n${s.environment}\n${s.scope.account ?? ''}\n${s.notes}\n${s.tags.join('\n')}\n${s.style}\n${STYLE_RULES[s.style].displayName}`.toLowerCase()
}

export function factsOf(s: EntrySummary): KeyFacts {
  return {
    id: s.id,
    style: s.style,
    status: s.status,
    scope: s.scope,
    issuedAt: s.lastRotatedAt,
    expiresAt: s.expiresAt,
  }
}

/** Whether a style limits how many keys may exist (so its peers must be counted). */
export function hasLimits(style: EntryStyle): boolean {
  const r = STYLE_RULES[style]
  return (
    r.maxKeysPerAccount !== undefined ||
    r.maxActiveKeysPerUser !== undefined ||
    r.maxKeysPerUser !== undefined
  )
}

function peerGroup(style: string, account: string | undefined): string {
  return `${style}\0${account ?? ''}`
}

/** How many superseded summaries a cache remembers, for merging stale writes (merge.ts). */
const SNAPSHOT_LIMIT = 512

export class EntryCache {
  readonly entries = new Map<string, CachedEntry>()
  /** Entries that failed to open or were rolled back, with the reason (never a secret). */
  readonly broken = new Map<string, string>()
  /** Ids per (style, account) for the styles with key limits, to check limits in O(peers). */
  private readonly peers = new Map<string, Set<string>>()
  /** Summaries this cache replaced, by "id@version": the base a stale write is merged from. */
  private readonly superseded = new Map<string, EntrySummary>()
  /** The store stamp this cache matches (null: never synced since unlock). */
  syncedStamp: string | null = null
  /** Decrypting state while records are being loaded (see loadChunk). */
  private opener: BulkOpener | null = null

  constructor(
    private readonly store: VaultStore,
    private readonly vaultId: string,
    private readonly key: Uint8Array,
  ) {}

  get(id: string): CachedEntry | undefined {
    return this.entries.get(id)
  }

  /** The open entry `id`, or the error saying why there is none (damaged, or no such entry). */
  require(id: string): CachedEntry {
    const c = this.entries.get(id)
    if (c) return c
    if (this.broken.has(id)) throw new EntryTamperedError(id)
    throw new EntryNotFoundError(id)
  }

  /** Whether `id` is an entry, open or damaged (the integrity record's placeholder is not one). */
  exists(id: string): boolean {
    return this.entries.has(id) || (this.broken.has(id) && id !== INTEGRITY_RECORD_ID)
  }

  /** A summary this entry had at `version`, if this cache saw it. */
  snapshot(id: string, version: number): EntrySummary | undefined {
    const current = this.entries.get(id)?.summary
    if (current?.version === version) return current
    return this.superseded.get(`${id}@${version}`)
  }

  put(row: EntryRow, meta: EntryMeta, historyCount: number): EntrySummary {
    const old = this.entries.get(row.id)
    if (old) this.forget(old)
    const summary = summarize(row, meta, historyCount)
    this.entries.set(row.id, {
      summary,
      keyMask: meta.keyMask,
      history: meta.history?.length === 0 ? NO_HISTORY : meta.history,
      haystack: null,
    })
    this.broken.delete(row.id)
    this.indexPeer(row.id, row.style, meta.scope.account)
    return summary
  }

  /** Replace an entry's summary without a new version (its last check result). */
  patchSummary(id: string, change: Partial<EntrySummary>): void {
    const c = this.entries.get(id)
    if (c) c.summary = Object.freeze({ ...c.summary, ...change })
  }

  delete(id: string): void {
    const old = this.entries.get(id)
    if (old) this.forget(old)
    this.entries.delete(id)
    this.broken.delete(id)
  }

  markBroken(id: string, reason: string): void {
    const old = this.entries.get(id)
    if (old) this.forget(old)
    this.entries.delete(id)
    this.broken.set(id, reason)
  }

  /** Facts of the other keys a limit of `style` counts with (empty for styles without limits). */
  peerFacts(style: EntryStyle, account: string | undefined, except?: string): KeyFacts[] {
    if (!hasLimits(style)) return []
    const ids = this.peers.get(peerGroup(style, account))
    if (!ids) return []
    const out: KeyFacts[] = []
    for (const id of ids)
      if (id !== except) out.push(factsOf((this.entries.get(id) as CachedEntry).summary))
    return out
  }

  /** Fill from the records read at unlock (one bulk decrypt; see store.ts unlockChunk). */
  load(chunks: Iterable<RecordChunk>, historyCounts: Map<string, number>): void {
    const stamp = this.store.entriesStamp()
    try {
      for (const chunk of chunks) this.loadChunk(chunk, historyCounts)
    } finally {
      this.endLoad(stamp)
    }
  }

  /**
   * Open one chunk of records into the cache (unlock-load.ts calls this chunk by chunk). The
   * decrypting state (a copy of the key in libsodium's heap) lives until `endLoad`.
   */
  loadChunk(chunk: RecordChunk, historyCounts: Map<string, number>): void {
    const opener = (this.opener ??= new BulkOpener(this.key))
    // The entry id follows "keywarden/v1\0<vault id>\0" in the associated data (ASCII).
    const idOffset = associatedText(this.vaultId, '', '').length - 1
    opener.openRecords(chunk.blob, idOffset, (id, text, bytes, extraStart, extraEnd) => {
      // The associated data holds the clear columns and version: an edit of them fails here.
      const meta = text === null ? null : decodeMetaText(text)
      if (!meta) {
        this.broken.set(id, DAMAGED_REASON)
        return
      }
      const extra = readRowExtra(bytes, extraStart, extraEnd)
      const b = meta.bound
      const row: EntryRow = {
        id,
        style: b.style,
        status: b.status,
        created_at: b.createdAt,
        updated_at: extra.updatedAt,
        expires_at: b.expiresAt,
        last_rotated_at: b.lastRotatedAt,
        rotation_policy_days: b.rotationPolicyDays,
        version: extra.version,
        last_check_status: extra.checkStatus,
        last_check_at: extra.checkAt,
      }
      this.put(row, meta, meta.history?.length ?? historyCounts.get(id) ?? 0)
    })
  }

  /**
   * The load is over: zero and free the decrypting state. `stamp` is the store's stamp when the
   * records began to be read; if another process committed since, the next `sync` compares
   * every row's version (the chunks may mix rows from before and after that commit).
   */
  endLoad(stamp: string): void {
    this.opener?.dispose()
    this.opener = null
    this.superseded.clear()
    this.syncedStamp = stamp
  }

  /**
   * Bring the cache up to the file: when the store's stamp moved (another process committed),
   * reload the entries whose version changed, add new ones and drop removed ones. Returns
   * whether anything changed. Cheap when nothing did: one PRAGMA.
   */
  sync(): boolean {
    const stamp = this.store.entriesStamp()
    if (stamp === this.syncedStamp) return false
    let changed = false
    const seen = new Set<string>()
    for (const { id, version } of this.store.versions()) {
      seen.add(id)
      const cached = this.entries.get(id)
      if (cached && cached.summary.version === version) continue
      if (!cached && this.broken.has(id)) continue
      this.reload(id)
      changed = true
    }
    for (const id of [...this.entries.keys()])
      if (!seen.has(id)) {
        this.delete(id)
        changed = true
      }
    this.syncedStamp = stamp
    return changed
  }

  /** Mark the cache as matching the file after this connection's own commit. */
  markSynced(): void {
    this.syncedStamp = this.store.entriesStamp()
  }

  /** Load one entry as committed now (after another process wrote it). */
  private reload(id: string): void {
    const row = this.store.sealedById(id)
    if (!row) return this.delete(id)
    const meta = this.openMeta(row)
    if (!meta) return this.markBroken(id, DAMAGED_REASON)
    this.put(row, meta, meta.history?.length ?? this.store.history(id).length)
  }

  private openMeta(row: EntryRow & { meta_ct: Uint8Array }): EntryMeta | null {
    const bound = boundOfRow(row)
    const plain = open(
      this.key,
      row.meta_ct,
      metaAssociatedData(this.vaultId, row.id, bound, row.version),
    )
    if (!plain) return null
    return decodeMetaText(Buffer.from(plain).toString('utf8'))
  }

  private forget(old: CachedEntry): void {
    const s = old.summary
    this.peers.get(peerGroup(s.style, s.scope.account))?.delete(s.id)
    this.superseded.set(`${s.id}@${s.version}`, s)
    if (this.superseded.size > SNAPSHOT_LIMIT) {
      const first = this.superseded.keys().next().value as string
      this.superseded.delete(first)
    }
  }

  private indexPeer(id: string, style: EntryStyle, account: string | undefined): void {
    if (!hasLimits(style)) return
    const group = peerGroup(style, account)
    let set = this.peers.get(group)
    if (!set) this.peers.set(group, (set = new Set()))
    set.add(id)
  }
}

/**
 * Make the entries' search text in the background after an unlock, twenty thousand entries per
 * turn of the event loop. Unref'd: it never holds a process open, and it stops when the cache
 * is replaced (`current()` is no longer `cache`: lock, another unlock).
 */
export function fillSearchTextSoon(
  cache: EntryCache | undefined,
  current: () => EntryCache | undefined,
): void {
  if (!cache) return
  const pending = cache.entries.values()
  const step = (): void => {
    if (current() !== cache) return
    let done = 0
    for (let next = pending.next(); !next.done; next = pending.next()) {
      next.value.haystack ??= haystackOf(next.value.summary)
      if (++done === 20_000) {
        nextTurn(step)
        return
      }
    }
  }
  nextTurn(step)
}
