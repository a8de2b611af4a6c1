/**
 * The Reminders view at scale: the active reminders sorted into the bands a user acts on, once,
 * and kept until something changes. The renderer asks for counts per band and one page of one
 * band at a time, so what crosses the bridge grows with the screen, not with the vault; a snooze
 * or dismiss takes its one reminder out of its band instead of recomputing the vault.
 */
import type { ReminderBandCount, ReminderBandId } from '../ipc/contract'
import { DAY_MS } from '../providers'
import { refKey } from '../reminders/state'
import type { DueReminder, ReminderRef } from '../reminders/types'

/** The bands in the order a user acts on them. */
export const BAND_ORDER: readonly ReminderBandId[] = [
  'expired',
  'week',
  'month',
  'rotation',
  'checks',
]

export const BAND_TITLES: Readonly<Record<ReminderBandId, string>> = {
  expired: 'Expired',
  week: 'Expiring this week',
  month: 'Expiring this month',
  rotation: 'Rotation due',
  checks: 'Failed checks',
}

/** The band of one reminder at `now`: a key that expired since its reminder fell due is expired. */
export function bandOf(r: Pick<DueReminder, 'kind' | 'deadline'>, now: number): ReminderBandId {
  switch (r.kind) {
    case 'expired':
      return 'expired'
    case 'rotation-due':
      return 'rotation'
    case 'validation-failed':
      return 'checks'
    case 'expires-soon':
      if (r.deadline <= now) return 'expired'
      return r.deadline - now <= 7 * DAY_MS ? 'week' : 'month'
  }
}

/** Active reminders grouped by band, soonest deadline first inside each band. */
export class BandedReminders {
  private readonly bands = new Map<ReminderBandId, DueReminder[]>()
  private readonly byRef = new Map<string, { band: ReminderBandId; r: DueReminder }>()
  private total = 0

  constructor(active: readonly DueReminder[], now: number) {
    for (const r of active) {
      const id = bandOf(r, now)
      const list = this.bands.get(id)
      if (list) list.push(r)
      else this.bands.set(id, [r])
      this.byRef.set(refKey(r), { band: id, r })
    }
    for (const list of this.bands.values()) list.sort((a, b) => a.deadline - b.deadline)
    this.total = active.length
  }

  /** How many reminders are active in all bands. */
  get count(): number {
    return this.total
  }

  /** Every active reminder, band by band (for the locked summary's wording). */
  all(): DueReminder[] {
    return BAND_ORDER.flatMap((id) => this.bands.get(id) ?? [])
  }

  /** The non-empty bands with their titles and counts, in order. */
  counts(): ReminderBandCount[] {
    return BAND_ORDER.filter((id) => (this.bands.get(id)?.length ?? 0) > 0).map((id) => ({
      id,
      title: BAND_TITLES[id],
      count: this.bands.get(id)!.length,
    }))
  }

  /** Rows `offset`..`offset + limit` of one band, and the band's size. */
  slice(
    band: ReminderBandId,
    offset: number,
    limit: number,
  ): { total: number; items: DueReminder[] } {
    const list = this.bands.get(band) ?? []
    return { total: list.length, items: list.slice(offset, offset + limit) }
  }

  /** The active reminder a ref names, if it is active. */
  find(ref: ReminderRef): DueReminder | undefined {
    return this.byRef.get(refKey(ref))?.r
  }

  /** Take a snoozed or dismissed reminder out of its band; false when it was not there. */
  remove(ref: ReminderRef): boolean {
    const key = refKey(ref)
    const found = this.byRef.get(key)
    if (!found) return false
    const list = this.bands.get(found.band)!
    const at = list.indexOf(found.r)
    if (at >= 0) list.splice(at, 1)
    this.byRef.delete(key)
    this.total--
    return true
  }
}
