/**
 * Opening an unlocked vault's entries, all at once or a chunk per turn of the event loop.
 *
 * At 100k entries, decrypting and decoding every sealed document takes about half a second, and
 * a window waiting for that shows nothing. A progressive unlock opens the first chunk (the
 * first rows of the list, in the order they were added) before it returns and the rest in the
 * background, yielding between chunks so the first page can be served meanwhile. Whatever needs
 * the whole set (search, list, counts, writes, the integrity check, exports) first finishes the
 * load synchronously (`finish`), so it never sees a partial vault.
 */
import { performance } from 'node:perf_hooks'
import type { EntryCache } from './entry-cache'
import { nextTurn } from './next-turn'
import type { RecordChunk } from './read-ahead'
import type { VaultStore } from './store'
import type { EntrySummary } from './types'

/** How long one background turn may open chunks before it lets requests in. */
const TURN_BUDGET_MS = 12

export interface LoadProgress {
  /** Records opened so far (damaged ones included). */
  loaded: number
  /** Records in the file when the unlock began (or `loaded`, if more were opened since). */
  total: number
}

export class EntryLoad {
  private pending: NodeJS.Timeout | null = null
  private remaining = true
  /** The store's stamp before the first record was read (see EntryCache.endLoad). */
  private readonly stamp: string
  private readonly historyCounts: Map<string, number>
  /** Records in the file when the load began; counted when first asked for. */
  private total: number | null = null
  /** Why finishing failed (a check refused the file); every later use of the session rethrows it. */
  failure: unknown = null

  /** Load into `cache` the record `chunks` read from `store`. */
  constructor(
    private readonly cache: EntryCache,
    private readonly chunks: Iterator<RecordChunk>,
    private readonly store: VaultStore,
  ) {
    this.stamp = store.entriesStamp()
    this.historyCounts = store.historyCounts()
  }

  /** Whether records remain to be opened. */
  get open(): boolean {
    return this.remaining
  }

  progress(): LoadProgress {
    const loaded = this.cache.entries.size + this.cache.broken.size
    this.total ??= this.store.entryCount()
    return { loaded, total: Math.max(loaded, this.total) }
  }

  /**
   * Open the next chunk; false when none was left (the load is then over). A failed read ends
   * the load for good: `failure` keeps the error, so a partial set is never taken for the whole.
   */
  step(): boolean {
    if (this.failure !== null) throw this.failure
    if (!this.remaining) return false
    try {
      const next = this.chunks.next()
      if (next.done) {
        this.end()
        return false
      }
      this.cache.loadChunk(next.value, this.historyCounts)
      return true
    } catch (error) {
      this.failure = error
      this.end()
      throw error
    }
  }

  /** Open everything not yet open, now (throws `failure` if the load failed). */
  finish(): void {
    this.stopBackground()
    while (this.step());
  }

  /**
   * Open the rest a chunk per turn of the event loop while `current()` holds (the session that
   * started it is still the vault's), then call `done` once. Unref'd: it never keeps a
   * process alive; a CLI finishes its load synchronously when it reads the list.
   */
  inBackground(current: () => boolean, done: () => void): void {
    const turn = (): void => {
      this.pending = null
      if (!current()) return this.dispose()
      try {
        // Chunks until the turn's budget is spent: at 100k entries, one chunk a turn made the
        // whole load take ~1.2 s instead of ~0.85 s (measured in-process, on a busy machine).
        const start = performance.now()
        while (this.step())
          if (performance.now() - start >= TURN_BUDGET_MS) {
            this.pending = nextTurn(turn)
            return
          }
      } catch {
        // Kept in `failure`: `done` (and every later use of the session) reports it.
      }
      try {
        done()
      } catch {
        // The session keeps the failure and throws it at its next use.
      }
    }
    this.pending = nextTurn(turn)
  }

  /** Stop and zero the decrypting state (the session was locked or replaced). */
  dispose(): void {
    this.stopBackground()
    this.end()
  }

  private stopBackground(): void {
    if (this.pending) clearTimeout(this.pending)
    this.pending = null
  }

  private end(): void {
    if (!this.remaining) return
    this.remaining = false
    this.cache.endLoad(this.stamp)
  }
}

/**
 * While `load` runs: the list's summaries at [offset, offset + limit) (oldest first, as `list`
 * orders them) if all of them are open already, else null.
 */
export function openedSlice(
  cache: EntryCache,
  load: EntryLoad,
  offset: number,
  limit: number,
): EntrySummary[] | null {
  if (load.failure !== null) return null
  const end = offset + limit
  if (load.open && cache.entries.size < end) return null
  const out: EntrySummary[] = []
  let i = 0
  for (const c of cache.entries.values()) {
    if (i >= end) break
    if (i++ >= offset) out.push(c.summary)
  }
  return out
}
