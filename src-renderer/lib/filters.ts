/** The list filters (provider style and status), pure so 100k rows filter in one pass. */
import type { EntryStyle, EntrySummary } from '../../src-main/ipc/contract'
import { DAY_MS } from './format'

export type StatusFilter =
  'all' | 'active' | 'disabled' | 'revoked' | 'expired' | 'expiring' | 'check-failed'

export const STATUS_FILTERS: { id: StatusFilter; label: string }[] = [
  { id: 'all', label: 'Any status' },
  { id: 'active', label: 'Active' },
  { id: 'disabled', label: 'Disabled' },
  { id: 'revoked', label: 'Revoked' },
  { id: 'expired', label: 'Expired' },
  { id: 'expiring', label: 'Expiring within 30 days' },
  { id: 'check-failed', label: 'Last check failed' },
]

export interface Filters {
  style: EntryStyle | 'all'
  status: StatusFilter
}

function matchesStatus(entry: EntrySummary, status: StatusFilter, now: number): boolean {
  switch (status) {
    case 'all':
      return true
    case 'active':
    case 'disabled':
    case 'revoked':
      return entry.status === status
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

/** Entries that pass both filters, in their original order (same array when nothing filters). */
export function filterEntries(
  entries: readonly EntrySummary[],
  filters: Filters,
  now: number,
): readonly EntrySummary[] {
  if (filters.style === 'all' && filters.status === 'all') return entries
  return entries.filter(
    (e) =>
      (filters.style === 'all' || e.style === filters.style) &&
      matchesStatus(e, filters.status, now),
  )
}
