/** What is due. Works while locked: the snapshot then carries a summary and no names. */
import { create } from 'zustand'
import type { RemindersSnapshot } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'

export interface RemindersState {
  snapshot: RemindersSnapshot | null
  error: string | null
  load: () => Promise<void>
  receive: (snapshot: RemindersSnapshot) => void
  snooze: (key: string, days: 1 | 7) => Promise<void>
  dismiss: (key: string) => Promise<void>
  /** Forget named reminders (on lock); the next load brings the anonymous summary. */
  clear: () => void
}

export const useReminders = create<RemindersState>()((set) => ({
  snapshot: null,
  error: null,
  load: async () => {
    try {
      set({ snapshot: await getApi().reminders.list(), error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  receive: (snapshot) => set({ snapshot }),
  snooze: async (key, days) => {
    try {
      set({ snapshot: await getApi().reminders.snooze({ key, days }), error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  dismiss: async (key) => {
    try {
      set({ snapshot: await getApi().reminders.dismiss({ key }), error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  clear: () => set({ snapshot: null }),
}))

/** Selector: how many reminders are due (for the nav badge). */
export const selectDueCount = (s: RemindersState): number => s.snapshot?.count ?? 0
