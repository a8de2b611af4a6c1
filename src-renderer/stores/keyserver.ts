/**
 * The local key server: its status, its namespaces (one selected for the view), the keys the
 * selected namespace issued, and the live request log (kept to the last 500 lines).
 */
import { create } from 'zustand'
import type {
  EntrySummary,
  IssueKeyInput,
  KeyServerKey,
  KeyServerLogLine,
  KeyServerNamespace,
  KeyServerStatus,
} from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'

export const LOG_LIMIT = 500
export const DEFAULT_NAMESPACE = 'default'

export type KeyAction = 'revoke' | 'rotate' | 'activate' | 'deactivate'

export interface KeyServerState {
  status: KeyServerStatus | null
  log: KeyServerLogLine[]
  namespaces: KeyServerNamespace[]
  /** The namespace whose base URLs and keys the view shows. */
  namespace: string
  keys: KeyServerKey[]
  busy: boolean
  error: string | null
  load: () => Promise<void>
  start: (port?: number) => Promise<void>
  stop: () => Promise<void>
  issue: (input: IssueKeyInput) => Promise<EntrySummary>
  appendLog: (line: KeyServerLogLine) => void
  /** A status pushed by main (the server also starts on its own: issue, rotate, "Check now"). */
  receiveStatus: (status: KeyServerStatus) => void
  /** Namespaces and the selected namespace's keys (nothing while the server is stopped). */
  loadServer: () => Promise<void>
  selectNamespace: (name: string) => Promise<void>
  createNamespace: (name: string) => Promise<void>
  resetNamespace: (name: string) => Promise<void>
  deleteNamespace: (name: string) => Promise<void>
  /** Act on a key of the selected namespace; throws the error for the caller to show. */
  keyAction: (action: KeyAction, id: string) => Promise<KeyServerKey>
}

/** Append a line, keeping the newest `limit` (pure, for the store and its test). */
export function appendCapped<T>(list: readonly T[], item: T, limit: number): T[] {
  const next = list.length >= limit ? list.slice(list.length - limit + 1) : list.slice()
  next.push(item)
  return next
}

export const useKeyServer = create<KeyServerState>()((set, get) => ({
  status: null,
  log: [],
  namespaces: [],
  namespace: DEFAULT_NAMESPACE,
  keys: [],
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
      await get().loadServer()
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  start: async (port) => {
    set({ busy: true, error: null })
    try {
      set({ status: await getApi().keyserver.start(port ? { port } : {}), busy: false })
      await get().loadServer()
    } catch (error) {
      set({ busy: false, error: errorMessage(error) })
    }
  },
  stop: async () => {
    set({ busy: true, error: null })
    try {
      set({ status: await getApi().keyserver.stop(), busy: false, keys: [], namespaces: [] })
    } catch (error) {
      set({ busy: false, error: errorMessage(error) })
    }
  },
  issue: async (input) => {
    const entry = await getApi().keyserver.issue(input)
    await get().loadServer()
    return entry
  },
  appendLog: (line) => set((s) => ({ log: appendCapped(s.log, line, LOG_LIMIT) })),
  receiveStatus: (status) => {
    const wasRunning = get().status?.running === true
    set({ status })
    if (!status.running) set({ keys: [], namespaces: [] })
    else if (!wasRunning) void get().loadServer()
  },
  loadServer: async () => {
    if (!get().status?.running) return
    try {
      const api = getApi()
      const namespaces = await api.keyserver.namespaces()
      // A namespace deleted elsewhere (the CLI, a test run) falls back to the default one.
      const namespace = namespaces.some((n) => n.name === get().namespace)
        ? get().namespace
        : DEFAULT_NAMESPACE
      const keys = await api.keyserver.keys({ namespace })
      set({ namespaces, namespace, keys, error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  selectNamespace: async (name) => {
    set({ namespace: name, keys: [] })
    await get().loadServer()
  },
  createNamespace: async (name) => {
    const created = await getApi().keyserver.createNamespace({ name })
    set({ namespace: created.name })
    await get().loadServer()
  },
  resetNamespace: async (name) => {
    await getApi().keyserver.resetNamespace({ name })
    await get().loadServer()
  },
  deleteNamespace: async (name) => {
    await getApi().keyserver.deleteNamespace({ name })
    if (get().namespace === name) set({ namespace: DEFAULT_NAMESPACE })
    await get().loadServer()
  },
  keyAction: async (action, id) => {
    const api = getApi()
    const ref = { namespace: get().namespace, id }
    const key =
      action === 'revoke'
        ? await api.keyserver.revokeKey(ref)
        : action === 'rotate'
          ? await api.keyserver.rotateKey(ref)
          : await api.keyserver.setKeyActive({ ...ref, active: action === 'activate' })
    await get().loadServer()
    return key
  },
}))
