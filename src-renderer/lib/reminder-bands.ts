/**
 * Reminders grouped into the bands a user acts on: expired, expiring this week, expiring this
 * month, rotation due, and failed checks. Pure, unit-tested in test/renderer.
 */
import type { ReminderView } from '../../src-main/ipc/contract'
import { DAY_MS } from './format'

export type BandId = 'expired' | 'week' | 'month' | 'rotation' | 'checks'

export interface Band {
  id: BandId
  title: string
  items: ReminderView[]
}

const TITLES: Record<BandId, string> = {
  expired: 'Expired',
  week: 'Expiring this week',
  month: 'Expiring this month',
  rotation: 'Rotation due',
  checks: 'Failed checks',
}
const ORDER: BandId[] = ['expired', 'week', 'month', 'rotation', 'checks']

/** The band of one reminder at time `now`. */
export function bandOf(item: ReminderView, now: number): BandId {
  switch (item.kind) {
    case 'expired':
      return 'expired'
    case 'rotation-due':
      return 'rotation'
    case 'validation-failed':
      return 'checks'
    case 'expires-soon':
      if (item.dueAt !== null && item.dueAt <= now) return 'expired'
      return item.dueAt !== null && item.dueAt - now <= 7 * DAY_MS ? 'week' : 'month'
  }
}

/** The non-empty bands in the order a user acts on them, soonest due first inside each. */
export function groupByBand(items: readonly ReminderView[], now: number): Band[] {
  const byBand = new Map<BandId, ReminderView[]>()
  for (const item of items) {
    const id = bandOf(item, now)
    const list = byBand.get(id)
    if (list) list.push(item)
    else byBand.set(id, [item])
  }
  return ORDER.filter((id) => byBand.has(id)).map((id) => ({
    id,
    title: TITLES[id],
    items: byBand
      .get(id)!
      .sort((a, b) => (a.dueAt ?? Number.MAX_VALUE) - (b.dueAt ?? Number.MAX_VALUE)),
  }))
}
