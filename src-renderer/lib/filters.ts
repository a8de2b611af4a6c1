/**
 * The list's filters and sort orders as the toolbar offers them, and how they become the
 * filters of `entries.page` (the filtering itself runs in main, over every entry).
 */
import type {
  EntryCondition,
  EntryPageInput,
  EntrySort,
  EntryStyle,
  KeyStatus,
} from '../../src-main/ipc/contract'

export type StatusFilter = 'all' | KeyStatus | EntryCondition

export const STATUS_FILTERS: { id: StatusFilter; label: string }[] = [
  { id: 'all', label: 'Any status' },
  { id: 'active', label: 'Active' },
  { id: 'disabled', label: 'Disabled' },
  { id: 'revoked', label: 'Revoked' },
  { id: 'expired', label: 'Expired' },
  { id: 'expiring', label: 'Expiring within 30 days' },
  { id: 'check-failed', label: 'Last check failed' },
]

/** 'added': the vault's own order, oldest first. */
export type SortOrder = 'added' | EntrySort

export const SORT_ORDERS: { id: SortOrder; label: string }[] = [
  { id: 'added', label: 'Oldest first' },
  { id: 'name', label: 'Name' },
  { id: 'expiry', label: 'Expires soonest' },
  { id: 'updated', label: 'Recently changed' },
]

export interface Filters {
  style: EntryStyle | 'all'
  status: StatusFilter
}

export type ViewParams = Omit<EntryPageInput, 'offset' | 'limit'>

const KEY_STATUSES: readonly string[] = ['active', 'disabled', 'revoked']

/** The `entries.page` filters for a search, the toolbar's filters and a sort order. */
export function viewParams(query: string, filters: Filters, sort: SortOrder): ViewParams {
  const params: ViewParams = {}
  const q = query.trim()
  if (q) params.query = q
  if (filters.style !== 'all') params.style = filters.style
  if (KEY_STATUSES.includes(filters.status)) params.status = filters.status as KeyStatus
  else if (filters.status !== 'all') params.condition = filters.status as EntryCondition
  if (sort !== 'added') params.sort = sort
  return params
}

/** A stable name for a view: equal params, equal key (search is case-insensitive). */
export function viewKey(params: ViewParams): string {
  const { query, style, status, condition, sort } = params
  return JSON.stringify([query?.toLowerCase() ?? '', style, status, condition, sort])
}

/** Whether the params narrow the list at all (an empty result then means "nothing matches"). */
export function isFiltered(params: ViewParams): boolean {
  return Boolean(params.query || params.style || params.status || params.condition)
}
