/**
 * What an unlocked vault holds (keys, the decrypted cache, the writer, the integrity session)
 * and the end of a progressive unlock: once every entry is open, the set is brought up to the
 * file and checked against the integrity record before anything else may read or write it.
 */
import type { AuditTrail } from './audit'
import type { ClearIndex } from './clear-index'
import { deriveSubkey } from './crypto'
import { fillSearchTextSoon, type EntryCache } from './entry-cache'
import { EntryWriter } from './entries'
import { EntryHistory } from './history'
import { IntegritySession } from './integrity-session'
import type { LastSeenRecord } from './last-seen'
import type { VaultStore } from './store'
import type { EntryLoad } from './unlock-load'

/** What exists only while unlocked; dropped (and the keys zeroed) at lock. */
export interface Unlocked {
  key: Uint8Array
  macKey: Uint8Array
  cache: EntryCache
  writer: EntryWriter
  history: EntryHistory
  integrity: IntegritySession
  /** A progressive unlock still opening entries (unlock-load.ts); null once all are open. */
  loading: EntryLoad | null
  /** Whether the unlock accepted a file older than this machine last saw (for the late check). */
  acceptOlder: boolean
}

/** What a session is made from, besides its key and cache. */
export interface SessionParts {
  vaultId: string
  store: VaultStore
  trail: AuditTrail
  clear: ClearIndex
  lastSeen: LastSeenRecord
  now: () => number
}

/** A session over `cache` with the vault key `key` (the audit trail starts signing with it). */
export function newSession(
  p: SessionParts,
  key: Uint8Array,
  cache: EntryCache,
  acceptOlder: boolean,
  loading: EntryLoad | null,
): Unlocked {
  const macKey = deriveSubkey(key, 'integrity/v1')
  p.trail.start(key)
  return {
    key,
    macKey,
    cache,
    loading,
    acceptOlder,
    integrity: new IntegritySession(p.store, p.vaultId, macKey, p.lastSeen, p.now),
    history: new EntryHistory(p.vaultId, p.store, key),
    writer: new EntryWriter({
      vaultId: p.vaultId,
      store: p.store,
      key,
      cache,
      now: p.now,
      policy: () => p.clear.accountPolicy(),
      historyLimit: () => p.clear.historyLimit(),
    }),
  }
}

/**
 * Open what a progressive unlock has not opened yet, bring the set up to the file and check it
 * against the integrity record; `ended` hears once that the load is over, done or failed. A
 * failure is kept in the load and thrown here and by every later call, so nothing reads a
 * partial set or writes over a vault that failed its check. `current` names the cache in use,
 * for the background search text.
 */
export function settle(
  s: Unlocked,
  store: VaultStore,
  current: () => EntryCache | undefined,
  ended: () => void,
): void {
  const load = s.loading
  if (!load) return
  if (load.failure === null) {
    try {
      load.finish()
      if (s.cache.syncedStamp !== store.entriesStamp()) s.cache.sync()
      s.integrity.check(s.cache, s.acceptOlder)
      s.loading = null
      fillSearchTextSoon(s.cache, current)
    } catch (error) {
      load.failure = error
    }
    ended()
  }
  if (load.failure !== null) throw load.failure
}
