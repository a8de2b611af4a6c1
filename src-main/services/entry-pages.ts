/**
 * Pages of the entry list: filter, sort and slice the vault's in-memory summaries, so the
 * renderer fetches the hundred rows in view instead of every entry (at 100k entries the whole
 * list is ~39 MB of JSON per load).
 *
 * Scrolling asks for page after page of the same view, so the filtered and sorted array of the
 * last few views is kept, keyed by the entry-set revision: a page is then a slice. Any change to
 * the entry set bumps the revision, which makes every kept view unreachable.
 */
import type {
  EntryCondition,
  EntryLoading,
  EntryPage,
  EntryPageInput,
  EntrySort,
  EntrySummary,
} from '../ipc/contract'

const DAY_MS = 24 * 60 * 60 * 1000
/** Views kept: a few filter/sort combinations the user switches between. */
const MAX_VIEWS = 4
/**
 * Time-dependent filters (expired, expiring) are recomputed at least this often, so a view
 * kept while the vault sits open does not keep a key as "expiring" after it expired.
 */
const TIME_BUCKET_MS = 60_000

/** What a page needs from the vault: the list (oldest first) and the search, each a fresh array. */
export interface EntrySource {
  list(): EntrySummary[]
  search(query: string): EntrySummary[]
}

/** What a page needs from a vault whose unlock may still be opening entries (vault.ts). */
export interface LoadingSource {
  loadProgress(): EntryLoading | null
  openedSlice(offset: number, limit: number): EntrySummary[] | null
}

/**
 * A page of the unfiltered list in the order entries were added, served while the unlock is
 * still opening entries, when its rows are open already; null otherwise (then the page is built
 * from the whole list, which waits for the load). Not kept among the views: the load's end
 * changes the revision.
 */
export function pageWhileLoading(
  source: LoadingSource,
  input: EntryPageInput,
  revision: number,
): EntryPage | null {
  const { offset, limit, query, style, status, condition, sort } = input
  if (query?.trim() || style || status || condition || sort) return null
  const loading = source.loadProgress()
  if (!loading) return null
  const items = source.openedSlice(offset, limit)
  if (!items) return null
  return { total: loading.total, offset, items, revision, loading }
}

/** Whether an entry passes the condition filter at time `now`. */
export function matchesCondition(
  entry: EntrySummary,
  condition: EntryCondition,
  now: number,
): boolean {
  switch (condition) {
    case 'expired':
      return entry.expiresAt !== null && entry.expiresAt <= now
    case 'expiring':
      return (
        entry.expiresAt !== null && entry.expiresAt > now && entry.expiresAt - now <= 30 * DAY_MS
      )
    case 'check-failed':
      return entry.lastCheck !== null && entry.lastCheck.status !== 'valid'
  }
}

/**
 * Sort keys computed once per entry (decorate, sort, undecorate): Intl.Collator.compare on 100k
 * names took ~500 ms, plain comparison of lower-cased names ~50 ms.
 */
const SORT_KEY: Record<EntrySort, (e: EntrySummary) => string | number> = {
  name: (e) => e.name.toLowerCase(),
  // Soonest expiry first; keys that never expire last.
  expiry: (e) => e.expiresAt ?? Number.MAX_VALUE,
  // Most recently changed first.
  updated: (e) => -e.updatedAt,
}

// Ties keep the vault's order (Array.prototype.sort is stable), so pages never reshuffle.
function sortBy(rows: EntrySummary[], sort: EntrySort): EntrySummary[] {
  const keyOf = SORT_KEY[sort]
  const keyed = rows.map((entry) => ({ key: keyOf(entry), entry }))
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return keyed.map((k) => k.entry)
}

/** The filtered, sorted list of one view (a fresh array; the source's is left alone). */
export function buildView(
  source: EntrySource,
  input: Omit<EntryPageInput, 'offset' | 'limit'>,
  now: number,
): EntrySummary[] {
  const query = input.query?.trim() ?? ''
  const base = query ? source.search(query) : source.list()
  const { style, status, condition, sort } = input
  const rows =
    style || status || condition
      ? base.filter(
          (e) =>
            (!style || e.style === style) &&
            (!status || e.status === status) &&
            (!condition || matchesCondition(e, condition, now)),
        )
      : base
  return sort ? sortBy(rows, sort) : rows
}

/** Serves pages over a small cache of recent views; `revision` is the entry-set revision. */
export class EntryPager {
  private readonly views = new Map<string, EntrySummary[]>()

  /** One page of a view at `revision`. */
  page(source: EntrySource, input: EntryPageInput, revision: number, now: number): EntryPage {
    const { offset, limit, ...view } = input
    const timed = view.condition === 'expired' || view.condition === 'expiring'
    const key = JSON.stringify([
      revision,
      view.query?.trim().toLowerCase() ?? '',
      view.style ?? '',
      view.status ?? '',
      view.condition ?? '',
      view.sort ?? '',
      timed ? Math.floor(now / TIME_BUCKET_MS) : 0,
    ])
    let rows = this.views.get(key)
    if (rows) {
      // Most recently used last, so eviction drops the oldest view.
      this.views.delete(key)
    } else {
      rows = buildView(source, view, now)
      if (this.views.size >= MAX_VIEWS) this.views.delete(this.views.keys().next().value!)
    }
    this.views.set(key, rows)
    return { total: rows.length, offset, items: rows.slice(offset, offset + limit), revision }
  }

  /** Drop every kept view (on lock: they hold decrypted names). */
  clear(): void {
    this.views.clear()
  }
}
