/**
 * Entries as lists show them (summaries: no key material), the search, the filters and the
 * selection. Revealed values never come here: they live in the detail panel's component state.
 */
import { create } from 'zustand'
import type {
  Credential,
  EntryInput,
  EntryPatch,
  EntrySummary,
  ValidationStatus,
} from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import type { Filters } from '../lib/filters'

export interface EntriesState {
  all: EntrySummary[]
  /** Server-side search results for `query`, or null when the query is empty. */
  results: EntrySummary[] | null
  query: string
  filters: Filters
  selectedId: string | null
  loading: boolean
  loaded: boolean
  error: string | null
  /** Bumped on every change so an open detail panel refetches. */
  revision: number
  load: () => Promise<void>
  search: (query: string) => Promise<void>
  setFilters: (filters: Partial<Filters>) => void
  select: (id: string | null) => void
  add: (entry: EntryInput) => Promise<EntrySummary>
  update: (id: string, patch: EntryPatch) => Promise<EntrySummary>
  remove: (id: string) => Promise<void>
  rotate: (id: string, credential?: Credential, expiresAt?: number | null) => Promise<EntrySummary>
  validate: (id: string) => Promise<{ status: ValidationStatus; at: number }>
  /** Drop everything decrypted (on lock). */
  clear: () => void
}

const initial = {
  all: [] as EntrySummary[],
  results: null,
  query: '',
  filters: { style: 'all', status: 'all' } as Filters,
  selectedId: null,
  loading: false,
  loaded: false,
  error: null,
}

function replace(list: EntrySummary[] | null, entry: EntrySummary): EntrySummary[] | null {
  if (!list) return list
  const i = list.findIndex((e) => e.id === entry.id)
  if (i < 0) return list
  const next = list.slice()
  next[i] = entry
  return next
}

export const useEntries = create<EntriesState>()((set, get) => ({
  ...initial,
  revision: 0,

  load: async () => {
    set({ loading: true, error: null })
    try {
      const all = await getApi().entries.list()
      set((s) => ({ all, loading: false, loaded: true, revision: s.revision + 1 }))
      const { query } = get()
      if (query) await get().search(query)
    } catch (error) {
      set({ loading: false, error: errorMessage(error) })
    }
  },

  search: async (query) => {
    set({ query })
    if (query.trim() === '') {
      set({ results: null })
      return
    }
    try {
      const results = await getApi().entries.search({ query })
      // A slower answer to an older query must not overwrite the newer one.
      if (get().query === query) set({ results, error: null })
    } catch (error) {
      if (get().query === query) set({ error: errorMessage(error) })
    }
  },

  setFilters: (filters) => set((s) => ({ filters: { ...s.filters, ...filters } })),

  select: (id) => set({ selectedId: id }),

  add: async (entry) => {
    const added = await getApi().entries.add({ entry })
    set((s) => ({ all: [...s.all, added], selectedId: added.id, revision: s.revision + 1 }))
    return added
  },

  update: async (id, patch) => {
    const updated = await getApi().entries.update({ id, patch })
    set((s) => ({
      all: replace(s.all, updated) ?? s.all,
      results: replace(s.results, updated),
      revision: s.revision + 1,
    }))
    return updated
  },

  remove: async (id) => {
    await getApi().entries.remove({ id })
    set((s) => ({
      all: s.all.filter((e) => e.id !== id),
      results: s.results ? s.results.filter((e) => e.id !== id) : null,
      selectedId: s.selectedId === id ? null : s.selectedId,
      revision: s.revision + 1,
    }))
  },

  rotate: async (id, credential, expiresAt) => {
    const input: { id: string; credential?: Credential; expiresAt?: number | null } = { id }
    if (credential) input.credential = credential
    if (expiresAt !== undefined) input.expiresAt = expiresAt
    const rotated = await getApi().entries.rotate(input)
    set((s) => ({
      all: replace(s.all, rotated) ?? s.all,
      results: replace(s.results, rotated),
      revision: s.revision + 1,
    }))
    return rotated
  },

  validate: async (id) => {
    const result = await getApi().entries.validate({ id })
    set((s) => {
      const patch = (list: EntrySummary[] | null) =>
        list?.map((e) => (e.id === id ? { ...e, lastCheck: result } : e)) ?? null
      return { all: patch(s.all) ?? s.all, results: patch(s.results), revision: s.revision + 1 }
    })
    return result
  },

  clear: () => set((s) => ({ ...initial, filters: s.filters, revision: s.revision + 1 })),
}))

/** Selector: the list to show before filters (search results when searching). */
export const selectVisible = (s: EntriesState): EntrySummary[] => s.results ?? s.all

/** Selector: the selected entry's summary, if still present. */
export const selectSelected = (s: EntriesState): EntrySummary | null =>
  s.selectedId ? (s.all.find((e) => e.id === s.selectedId) ?? null) : null
