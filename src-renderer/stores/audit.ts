/** The vault's audit log as the audit view shows it: filters, the newest records, the check. */
import { create } from 'zustand'
import type { AuditRow, AuditVerifyResult } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import { dateInputToMs } from '../lib/styles'

export interface AuditFilters {
  /** Part of an entry's name or id (matched in the page: the log names entries by id). */
  entry: string
  /** A local date, YYYY-MM-DD; '' for no limit. */
  since: string
  action: string
}

/** How many of the newest matching records the view fetches. */
export const AUDIT_LIMIT = 2000

export interface AuditState {
  filters: AuditFilters
  records: AuditRow[]
  total: number
  loaded: boolean
  verification: AuditVerifyResult | null
  error: string | null
  setFilters: (patch: Partial<AuditFilters>) => void
  load: () => Promise<void>
  verify: () => Promise<void>
  clear: () => void
}

const NO_FILTERS: AuditFilters = { entry: '', since: '', action: '' }

export const useAudit = create<AuditState>()((set, get) => ({
  filters: NO_FILTERS,
  records: [],
  total: 0,
  loaded: false,
  verification: null,
  error: null,
  setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
  load: async () => {
    const { since, action } = get().filters
    const from = since === '' ? null : dateInputToMs(since, 'start')
    if (since !== '' && from === null) return set({ error: 'Give the date as YYYY-MM-DD.' })
    try {
      const result = await getApi().audit.list({
        limit: AUDIT_LIMIT,
        ...(from !== null ? { since: from } : {}),
        ...(action !== '' ? { action } : {}),
      })
      set({ records: result.records, total: result.total, loaded: true, error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  verify: async () => {
    try {
      set({ verification: await getApi().audit.verify(), error: null })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },
  clear: () => set({ records: [], total: 0, loaded: false, verification: null, error: null }),
}))

/** Selector: the records the entry filter keeps (by name or id, case-insensitive). */
export function selectShown(s: AuditState): AuditRow[] {
  const q = s.filters.entry.trim().toLowerCase()
  if (q === '') return s.records
  return s.records.filter(
    (r) =>
      r.entryId !== null &&
      (r.entryId.toLowerCase().includes(q) || (r.entryName ?? '').toLowerCase().includes(q)),
  )
}
