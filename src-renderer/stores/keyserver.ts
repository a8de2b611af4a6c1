/** The local key server: its status and the live request log (kept to the last 500 lines). */
import { create } from 'zustand'
import type {
  EntrySummary,
  IssueKeyInput,
  KeyServerLogLine,
  KeyServerStatus,
} from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'

export const LOG_LIMIT = 500

export interface KeyServerState {
  status: KeyServerStatus | null
  log: KeyServerLogLine[]
  busy: boolean
  error: string | null
  load: () => Promise<void>
  start: (port?: number) => Promise<void>
  stop: () => Promise<void>
  issue: (input: IssueKeyInput) => Promise<EntrySummary>
  appendLog: (line: KeyServerLogLine) => void
}

/** Append a line, keeping the newest `limit` (pure, for the store and its test). */
export function appendCapped<T>(list: readonly T[], item: T, limit: number): T[] {
  const next = list.length >= limit ? list.slice(list.length - limit + 1) : list.slice()
  next.push(item)
  return next
}

export const useKeyServer = create<KeyServerState>()((set) => ({
  status: null,
  log: [],
  busy: false,
  error: null,
  load: async () => {
    try {
      const api = getApi()
      const [status, log] = await Promise.all([
        api.keyserver.status(),
        api.keyserver.log({ limit: 200 }),
      ])
      set({ status, log, error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  start: async (port) => {
    set({ busy: true, error: null })
    try {
      set({ status: await getApi().keyserver.start(port ? { port } : {}), busy: false })
    } catch (error) {
      set({ busy: false, error: errorMessage(error) })
    }
  },
  stop: async () => {
    set({ busy: true, error: null })
    try {
      set({ status: await getApi().keyserver.stop(), busy: false })
    } catch (error) {
      set({ busy: false, error: errorMessage(error) })
    }
  },
  issue: async (input) => getApi().keyserver.issue(input),
  appendLog: (line) => set((s) => ({ log: appendCapped(s.log, line, LOG_LIMIT) })),
}))
