/** View state: which screen, transient notices, settings as last loaded. */
import { create } from 'zustand'
import type { Settings } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'

export type View = 'entries' | 'add' | 'reminders' | 'keyserver' | 'transfer' | 'audit' | 'settings'

export interface Notice {
  id: number
  text: string
  tone: 'ok' | 'bad'
}

export interface UiState {
  view: View
  notice: Notice | null
  settings: Settings | null
  settingsError: string | null
  setView: (view: View) => void
  notify: (text: string, tone?: 'ok' | 'bad') => void
  dismissNotice: () => void
  loadSettings: () => Promise<void>
  saveSettings: (patch: Partial<Settings>) => Promise<boolean>
  reset: () => void
}

let noticeId = 0

export const useUi = create<UiState>()((set) => ({
  view: 'entries',
  notice: null,
  settings: null,
  settingsError: null,
  setView: (view) => set({ view }),
  notify: (text, tone = 'ok') => set({ notice: { id: ++noticeId, text, tone } }),
  dismissNotice: () => set({ notice: null }),
  loadSettings: async () => {
    try {
      set({ settings: await getApi().settings.get(), settingsError: null })
    } catch (error) {
      set({ settingsError: errorMessage(error) })
    }
  },
  saveSettings: async (patch) => {
    try {
      set({ settings: await getApi().settings.update(patch), settingsError: null })
      return true
    } catch (error) {
      set({ settingsError: errorMessage(error) })
      return false
    }
  },
  reset: () => set({ view: 'entries', notice: null }),
}))
