/**
 * What is due. The summary (counts per band, and the anonymous text while locked) is all that
 * loads up front; rows come one page of one band at a time, for the bands on screen.
 */
import { create } from 'zustand'
import type { ReminderBandId, ReminderPage, RemindersSummary } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'

export interface RemindersState {
  /** Counts and the locked text; null before the first load. */
  snapshot: RemindersSummary | null
  /** The page each band shows now. */
  pages: Partial<Record<ReminderBandId, ReminderPage>>
  /** Bumped on every new summary: shown pages re-read when it moves. */
  revision: number
  error: string | null
  load: () => Promise<void>
  receive: (summary: RemindersSummary) => void
  /** Fetch the rows of one band from `offset`. */
  loadPage: (band: ReminderBandId, offset: number, limit: number) => Promise<void>
  snooze: (key: string, days: 1 | 7) => Promise<void>
  dismiss: (key: string) => Promise<void>
  /** Forget named reminders (on lock); the next load brings the anonymous summary. */
  clear: () => void
}

// The latest request per band: an older answer arriving late must not replace a newer page.
const latest = new Map<ReminderBandId, number>()
let requests = 0

export const useReminders = create<RemindersState>()((set, get) => {
  /** A new summary; the rows it changed go from the shown pages at once. */
  const applied = (summary: RemindersSummary, gone?: string) => {
    const pages = { ...get().pages }
    if (gone)
      for (const [band, page] of Object.entries(pages) as [ReminderBandId, ReminderPage][])
        if (page.items.some((i) => i.key === gone))
          pages[band] = {
            ...page,
            total: page.total - 1,
            items: page.items.filter((i) => i.key !== gone),
          }
    set({ snapshot: summary, pages, revision: get().revision + 1, error: null })
  }
  const change = async (key: string, call: () => Promise<RemindersSummary>) => {
    try {
      applied(await call(), key)
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  }
  return {
    snapshot: null,
    pages: {},
    revision: 0,
    error: null,
    load: async () => {
      try {
        applied(await getApi().reminders.summary())
      } catch (error) {
        set({ error: errorMessage(error) })
      }
    },
    receive: (summary) => applied(summary),
    loadPage: async (band, offset, limit) => {
      const id = ++requests
      latest.set(band, id)
      try {
        const page = await getApi().reminders.page({ band, offset, limit })
        if (latest.get(band) !== id) return
        set({ pages: { ...get().pages, [band]: page } })
      } catch (error) {
        if (latest.get(band) === id) set({ error: errorMessage(error) })
      }
    },
    snooze: (key, days) => change(key, () => getApi().reminders.snooze({ key, days })),
    dismiss: (key) => change(key, () => getApi().reminders.dismiss({ key })),
    clear: () => {
      latest.clear()
      set({ snapshot: null, pages: {} })
    },
  }
})

/** Selector: how many reminders are due (for the nav badge). */
export const selectDueCount = (s: RemindersState): number => s.snapshot?.count ?? 0
