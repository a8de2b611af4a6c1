/**
 * The entry list as pages (summaries: no key material), the search, filters, sort and the
 * selection. The list asks for the rows in view (`setRange`); only their pages are fetched with
 * `entries.page` and kept in a bounded cache. Revealed values never come here: they live in the
 * detail panel's component state.
 *
 * Staleness: every page carries the main process's entry-set revision. The cache holds pages of
 * one revision only; a page of a newer revision drops the others (they were cut from an older
 * list), a page of an older one is ignored. 'entries-changed' calls `load()`, which refetches only
 * the pages in view and swaps them in at once, so the list does not flash.
 */
import { create } from 'zustand'
import type {
  EntryInput,
  EntryLoading,
  EntryPage,
  EntryPatch,
  EntrySummary,
  RotateInput,
  ValidationStatus,
} from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import { useSession } from './session'
import {
  viewKey as keyOfView,
  viewParams,
  type Filters,
  type SortOrder,
  type ViewParams,
} from '../lib/filters'
import {
  PAGE_SIZE,
  indexOf,
  pageKey,
  pagesInRange,
  rowAt,
  withPage,
  type PageMap,
} from '../lib/page-cache'

export interface EntriesState {
  query: string
  filters: Filters
  sort: SortOrder
  /** The view asked for (search, filters, sort) and its `entries.page` filters. */
  viewKey: string
  params: ViewParams
  /** The view whose rows are on screen: the previous one until the new one's first page arrives. */
  shownKey: string
  /** Cached pages, all of entry-set revision `pageRevision`. */
  pages: PageMap
  pageRevision: number
  /** Row count of each view at `pageRevision`. */
  totals: ReadonlyMap<string, number>
  /**
   * Views whose pages came while the unlock was still opening entries: their total counts the
   * rows in the file, and the list says how far the opening got instead of a count.
   */
  loadingOf: ReadonlyMap<string, EntryLoading>
  /** Rows in view, overscan included (inclusive). */
  range: readonly [number, number]
  selectedId: string | null
  /** The selected row's index, when the list chose it (keyboard, click). */
  selectedIndex: number | null
  /** A row the keyboard moved to whose page is still on its way. */
  pendingIndex: number | null
  loaded: boolean
  error: string | null
  /** Bumped on every change seen, so an open detail panel refetches. */
  revision: number
  /** (Re)load the pages in view, e.g. after 'entries-changed'. */
  load: () => Promise<void>
  setRange: (start: number, end: number) => void
  search: (query: string) => void
  setFilters: (filters: Partial<Filters>) => void
  setSort: (sort: SortOrder) => void
  select: (id: string | null) => void
  /** Select the row at `index` of the current view, fetching its page if needed. */
  selectIndex: (index: number) => void
  add: (entry: EntryInput) => Promise<EntrySummary>
  /** Change an entry; `expectedVersion` is the version the form was opened on. */
  update: (id: string, patch: EntryPatch, expectedVersion?: number) => Promise<EntrySummary>
  remove: (id: string) => Promise<void>
  rotate: (input: RotateInput) => Promise<EntrySummary>
  validate: (id: string) => Promise<{ status: ValidationStatus; at: number }>
  /** Drop everything decrypted (on lock). */
  clear: () => void
}

const DEFAULT_FILTERS: Filters = { style: 'all', status: 'all' }
const DEFAULT_PARAMS = viewParams('', DEFAULT_FILTERS, 'added')
const DEFAULT_KEY = keyOfView(DEFAULT_PARAMS)

const empty = {
  pages: new Map() as PageMap,
  pageRevision: -1,
  totals: new Map() as ReadonlyMap<string, number>,
  loadingOf: new Map() as ReadonlyMap<string, EntryLoading>,
  selectedId: null,
  selectedIndex: null,
  pendingIndex: null,
  loaded: false,
  error: null,
}

/**
 * Bumped by `clear()`: an answer to a request made before the lock must not bring decrypted
 * names back into the store.
 */
let epoch = 0
/** Page requests on their way, by revision, view and page, so scrolling asks for each once. */
const inflight = new Set<string>()
/** The latest `load()`: an older one's answers are superseded. */
let loadGeneration = 0

/** Selector: the number of rows of the view on screen, or null before its first page. */
export const selectTotal = (s: EntriesState): number | null => s.totals.get(s.shownKey) ?? null

/** Selector: how far the unlock got opening entries, while the view on screen waits for it. */
export const selectLoading = (s: EntriesState): EntryLoading | null =>
  s.loadingOf.get(s.shownKey) ?? null

/** A view's loading state after a page of it arrived (a page without one ends it). */
function withLoading(
  map: ReadonlyMap<string, EntryLoading>,
  key: string,
  page: EntryPage,
): ReadonlyMap<string, EntryLoading> {
  if (!page.loading && !map.has(key)) return map
  const next = new Map(map)
  if (page.loading) next.set(key, page.loading)
  else next.delete(key)
  return next
}

/**
 * A page came whole: if the session still says the unlock is opening entries, ask again, so the
 * damaged entries (known only once all are open) are shown.
 */
function statusAfterLoad(page: EntryPage): void {
  if (!page.loading && useSession.getState().status?.loading) void useSession.getState().load()
}

/** The selected row's index in the view on screen, or -1 when unknown. */
export function selectedRowIndex(s: EntriesState): number {
  if (!s.selectedId) return -1
  const found = indexOf(s.pages, s.shownKey, s.selectedId)
  if (found >= 0) return found
  return s.selectedIndex ?? -1
}

export const useEntries = create<EntriesState>()((set, get) => {
  function request(params: ViewParams, page: number): Promise<EntryPage> {
    return getApi().entries.page({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...params })
  }

  /** Take one page into the store if it is not stale; returns whether it was taken. */
  function accept(key: string, page: number, result: EntryPage, asked: number): boolean {
    if (asked !== epoch) return false
    const s = get()
    if (result.revision < s.pageRevision) return false
    const newer = result.revision > s.pageRevision
    const pages = withPage(newer ? new Map() : s.pages, pageKey(key, page), result.items)
    const totals = new Map(newer ? [] : s.totals)
    totals.set(key, result.total)
    const loadingOf = withLoading(newer ? new Map() : s.loadingOf, key, result)
    set({
      pages,
      totals,
      loadingOf,
      pageRevision: result.revision,
      loaded: true,
      error: null,
      ...(key === s.viewKey ? { shownKey: key } : {}),
    })
    // The entry set changed under the cache: the other pages in view are refetched.
    if (newer) ensureInView()
    finishPending()
    statusAfterLoad(result)
    return true
  }

  async function fetchPage(page: number): Promise<void> {
    const { viewKey: key, params, pageRevision } = get()
    const flight = `${pageRevision}|${pageKey(key, page)}`
    if (inflight.has(flight)) return
    inflight.add(flight)
    const asked = epoch
    try {
      accept(key, page, await request(params, page), asked)
    } catch (error) {
      if (asked === epoch && get().viewKey === key) set({ error: errorMessage(error) })
    } finally {
      if (asked === epoch) inflight.delete(flight)
    }
  }

  /** Fetch the pages in view (and a pending keyboard target) that the cache lacks. */
  function ensureInView(): void {
    const s = get()
    const total = s.totals.get(s.viewKey)
    const [start, end] = s.range
    const wanted = new Set(pagesInRange(start, Math.max(start, end)))
    if (s.pendingIndex !== null) wanted.add(Math.floor(s.pendingIndex / PAGE_SIZE))
    if (total === undefined) wanted.add(0)
    for (const page of wanted) {
      if (total !== undefined && page * PAGE_SIZE >= total && page > 0) continue
      if (!s.pages.has(pageKey(s.viewKey, page))) void fetchPage(page)
    }
  }

  /** Select the keyboard's target once its page is there. */
  function finishPending(): void {
    const s = get()
    if (s.pendingIndex === null || s.shownKey !== s.viewKey) return
    const row = rowAt(s.pages, s.viewKey, s.pendingIndex)
    if (row) set({ selectedId: row.id, selectedIndex: s.pendingIndex, pendingIndex: null })
  }

  function changeView(patch: Partial<Pick<EntriesState, 'query' | 'filters' | 'sort'>>): void {
    const s = get()
    const next = { query: s.query, filters: s.filters, sort: s.sort, ...patch }
    const params = viewParams(next.query, next.filters, next.sort)
    const key = keyOfView(params)
    if (key === s.viewKey) return set(patch)
    // A new view starts at its top; the list scrolls there when `viewKey` changes.
    set({
      ...patch,
      params,
      viewKey: key,
      range: [0, Math.max(0, s.range[1] - s.range[0])],
      pendingIndex: null,
      selectedIndex: null,
      ...(s.totals.has(key) ? { shownKey: key } : {}),
    })
    ensureInView()
  }

  /** After a change made here: refetch what is in view (`load` also bumps `revision`). */
  function changed(): Promise<void> {
    return get().load()
  }

  return {
    query: '',
    filters: DEFAULT_FILTERS,
    sort: 'added',
    viewKey: DEFAULT_KEY,
    params: DEFAULT_PARAMS,
    shownKey: DEFAULT_KEY,
    range: [0, 0],
    ...empty,
    revision: 0,

    load: async () => {
      const generation = ++loadGeneration
      const asked = epoch
      const { viewKey: key, params, range } = get()
      const pages = pagesInRange(range[0], range[1])
      if (pages.length === 0) pages.push(0)
      // Scrolling meanwhile need not ask for these pages again.
      const flights = pages.map((p) => `${get().pageRevision}|${pageKey(key, p)}`)
      flights.forEach((f) => inflight.add(f))
      try {
        const results = await Promise.all(pages.map((p) => request(params, p)))
        if (generation !== loadGeneration || asked !== epoch || get().viewKey !== key) return
        const revision = Math.max(...results.map((r) => r.revision))
        if (revision < get().pageRevision) return
        // Swap the visible pages in together; pages of other views are dropped if stale.
        let next: PageMap = revision > get().pageRevision ? new Map() : get().pages
        const totals = new Map(revision > get().pageRevision ? [] : get().totals)
        let loadingOf = revision > get().pageRevision ? new Map() : get().loadingOf
        results.forEach((r, i) => {
          if (r.revision !== revision) return
          next = withPage(next, pageKey(key, pages[i]!), r.items)
          totals.set(key, r.total)
          loadingOf = withLoading(loadingOf, key, r)
        })
        set((s) => ({
          pages: next,
          totals,
          loadingOf,
          pageRevision: revision,
          shownKey: key,
          loaded: true,
          error: null,
          revision: s.revision + 1,
        }))
        ensureInView()
        finishPending()
        statusAfterLoad(results[0]!)
      } catch (error) {
        if (generation === loadGeneration && asked === epoch) set({ error: errorMessage(error) })
      } finally {
        if (asked === epoch) flights.forEach((f) => inflight.delete(f))
      }
    },

    setRange: (start, end) => {
      const [a, b] = get().range
      if (a !== start || b !== end) set({ range: [start, end] })
      ensureInView()
    },

    search: (query) => changeView({ query }),
    setFilters: (filters) => changeView({ filters: { ...get().filters, ...filters } }),
    setSort: (sort) => changeView({ sort }),

    select: (id) => set({ selectedId: id, selectedIndex: null, pendingIndex: null }),

    selectIndex: (index) => {
      const s = get()
      const total = s.totals.get(s.viewKey)
      if (total === undefined || total === 0) return
      const at = Math.max(0, Math.min(total - 1, index))
      const row = rowAt(s.pages, s.viewKey, at)
      if (row) return set({ selectedId: row.id, selectedIndex: at, pendingIndex: null })
      set({ pendingIndex: at })
      ensureInView()
    },

    add: async (entry) => {
      const added = await getApi().entries.add({ entry })
      set({ selectedId: added.id, selectedIndex: null })
      await changed()
      return added
    },

    update: async (id, patch, expectedVersion) => {
      const updated = await getApi().entries.update(
        expectedVersion === undefined ? { id, patch } : { id, patch, expectedVersion },
      )
      await changed()
      return updated
    },

    remove: async (id) => {
      await getApi().entries.remove({ id })
      if (get().selectedId === id) set({ selectedId: null, selectedIndex: null })
      await changed()
    },

    rotate: async (input) => {
      const rotated = await getApi().entries.rotate(input)
      await changed()
      return rotated
    },

    validate: async (id) => {
      const result = await getApi().entries.validate({ id })
      await changed()
      return result
    },

    clear: () => {
      epoch++
      loadGeneration++
      inflight.clear()
      // Filters and sort stay (the user's view, naming no key); the search text and pages go.
      set((s) => {
        const params = viewParams('', s.filters, s.sort)
        const key = keyOfView(params)
        return {
          ...empty,
          query: '',
          params,
          range: [0, 0] as const,
          viewKey: key,
          shownKey: key,
          revision: s.revision + 1,
        }
      })
    },
  }
})
