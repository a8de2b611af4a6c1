/**
 * The bounded cache of entry-list pages: pure helpers over an immutable Map, so the store can
 * swap it in one `set` and React sees a new object. Keys name the view (search, filters, sort)
 * and the page number; the store keeps only pages of one entry-set revision at a time.
 */
import type { EntrySummary } from '../../src-main/ipc/contract'

/** Rows per request: a screen is ~15 rows, so one or two pages cover the view plus overscan. */
export const PAGE_SIZE = 100
/** Pages kept (4,000 summaries, ~1.5 MB): enough to scroll back without refetching. */
export const MAX_PAGES = 40

export type PageMap = ReadonlyMap<string, readonly EntrySummary[]>

/** The cache key of one page of one view. */
export function pageKey(viewKey: string, page: number): string {
  return `${viewKey}#${page}`
}

/** Page numbers covering rows `start..end` (inclusive); none for an empty range. */
export function pagesInRange(start: number, end: number): number[] {
  if (end < start || end < 0) return []
  const pages: number[] = []
  for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(end / PAGE_SIZE); p++)
    pages.push(p)
  return pages
}

/** The row at `index` of a view, if its page is cached. */
export function rowAt(pages: PageMap, viewKey: string, index: number): EntrySummary | undefined {
  return pages.get(pageKey(viewKey, Math.floor(index / PAGE_SIZE)))?.[index % PAGE_SIZE]
}

/** A new map with one page added (most recent last), dropping the oldest beyond `max`. */
export function withPage(
  pages: PageMap,
  key: string,
  items: readonly EntrySummary[],
  max = MAX_PAGES,
): PageMap {
  const next = new Map(pages)
  next.delete(key)
  next.set(key, items)
  for (const oldest of next.keys()) {
    if (next.size <= max) break
    next.delete(oldest)
  }
  return next
}

/** Index of an entry in the cached pages of a view, or -1 if it is not loaded. */
export function indexOf(pages: PageMap, viewKey: string, id: string): number {
  const prefix = `${viewKey}#`
  for (const [key, items] of pages) {
    if (!key.startsWith(prefix)) continue
    const at = items.findIndex((e) => e.id === id)
    if (at >= 0) return Number(key.slice(prefix.length)) * PAGE_SIZE + at
  }
  return -1
}
