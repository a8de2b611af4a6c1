/**
 * Reminder bookkeeping over the vault's clear reminder_state rows: what was notified, snoozed or
 * dismissed. Pure functions; the scheduler and the CLI write the rows they return.
 *
 * A row counts for a reminder only when it was written at or after the reminder became due
 * (`notifiedAt >= dueAt`). Threshold moments are fixed for an entry (the vault deletes the rows
 * when its expiry changes or it is rotated), so a clock set backwards and forwards again meets
 * the same row and stays quiet; a new failed check is a new moment and is notified again.
 */
import { DAY_MS } from '../providers'
import type { ReminderStateRow } from '../vault/types'
import { ReminderError } from './errors'
import type { DueReminder, ReminderRef, SnoozeDuration } from './types'

export const SNOOZE_MS: Record<SnoozeDuration, number> = { '1d': DAY_MS, '1w': 7 * DAY_MS }

/** The key a row is stored under: entry, kind, threshold. */
export function refKey(ref: ReminderRef): string {
  return `${ref.entryId}\u0000${ref.kind}\u0000${ref.threshold}`
}

/**
 * The rows indexed once per check, grouped by entry (an entry has a handful): a lookup per
 * reminder, not a scan, and no key strings to build, so a check over a large vault stays linear
 * and light on garbage. Also answers which expiry thresholds (and expiry) an entry was told of.
 */
export class StateIndex {
  private readonly byEntry = new Map<string, ReminderStateRow[]>()

  constructor(rows: readonly ReminderStateRow[]) {
    for (const row of rows) {
      const list = this.byEntry.get(row.entryId)
      if (list) list.push(row)
      else this.byEntry.set(row.entryId, [row])
    }
  }

  /** Where a due reminder stands at `now`. */
  status(r: DueReminder, now: number): ReminderStatus {
    const rows = this.byEntry.get(r.entryId)
    if (!rows) return 'new'
    let row: ReminderStateRow | undefined
    for (const candidate of rows)
      if (candidate.kind === r.kind && candidate.threshold === r.threshold) row = candidate
    if (!current(row, r)) return superseded(r, rows) ? 'notified' : 'new'
    if (row.dismissed) return 'dismissed'
    if (row.snoozedUntil !== null && now < row.snoozedUntil) return 'snoozed'
    // The snooze is over: it is news again, unless a nearer band was said meanwhile (the clock
    // was set back into this band after "expired"); then it is shown but not announced again.
    if (row.snoozedUntil !== null) return superseded(r, rows) ? 'notified' : 'new'
    return 'notified'
  }
}

/**
 * Once "expires within 7 days" was said, "within 14 days" must never follow, even after the
 * clock is set back: a nearer threshold notified after this one's moment stands for it. The same
 * holds for "expired" (threshold 0, the nearest of all) followed by a clock set back before the
 * expiry.
 */
function superseded(r: DueReminder, rows: readonly ReminderStateRow[]): boolean {
  if (r.kind !== 'expires-soon') return false
  return rows.some(
    (row) =>
      (row.kind === 'expires-soon' || row.kind === 'expired') &&
      row.threshold < r.threshold &&
      row.notifiedAt !== null &&
      row.notifiedAt >= r.dueAt,
  )
}

function indexOf(rows: readonly ReminderStateRow[] | StateIndex): StateIndex {
  return rows instanceof StateIndex ? rows : new StateIndex(rows)
}

/** Whether the row belongs to this occurrence of the reminder (see the module comment). */
function current(row: ReminderStateRow | undefined, r: DueReminder): row is ReminderStateRow {
  return row !== undefined && row.notifiedAt !== null && row.notifiedAt >= r.dueAt
}

/** The reminder's bookkeeping as users see it. */
export type ReminderStatus = 'new' | 'notified' | 'snoozed' | 'dismissed'

/** Where a due reminder stands: new, notified, snoozed or dismissed. */
export function statusOf(
  r: DueReminder,
  rows: readonly ReminderStateRow[] | StateIndex,
  now: number,
): ReminderStatus {
  return indexOf(rows).status(r, now)
}

/** Reminders to show now: due, not dismissed, not snoozed. */
export function activeReminders(
  due: readonly DueReminder[],
  rows: readonly ReminderStateRow[] | StateIndex,
  now: number,
): DueReminder[] {
  const book = indexOf(rows)
  return due.filter((r) => {
    const s = book.status(r, now)
    return s === 'new' || s === 'notified'
  })
}

/** Rows recording that `fired` were notified at `now`. */
export function markNotified(fired: readonly DueReminder[], now: number): ReminderStateRow[] {
  return fired.map((r) => ({ ...refOf(r), notifiedAt: now, snoozedUntil: null, dismissed: false }))
}

function refOf(r: ReminderRef): ReminderRef {
  return { entryId: r.entryId, kind: r.kind, threshold: r.threshold }
}

function find(due: readonly DueReminder[], ref: ReminderRef): DueReminder {
  const key = refKey(ref)
  const r = due.find((d) => refKey(d) === key)
  if (!r) throw new ReminderError('INVALID_INPUT', 'There is no such reminder due now.')
  return r
}

/** The row that snoozes a due reminder for a day or a week. */
export function snoozeRow(
  due: readonly DueReminder[],
  ref: ReminderRef,
  duration: SnoozeDuration,
  now: number,
): ReminderStateRow {
  if (!Object.hasOwn(SNOOZE_MS, duration))
    throw new ReminderError('INVALID_INPUT', 'A reminder can be snoozed for 1d or 1w.')
  const r = find(due, ref)
  return {
    ...refOf(r),
    notifiedAt: Math.max(now, r.dueAt),
    snoozedUntil: now + SNOOZE_MS[duration],
    dismissed: false,
  }
}

/** The row that dismisses a due reminder until its entry changes. */
export function dismissRow(
  due: readonly DueReminder[],
  ref: ReminderRef,
  now: number,
): ReminderStateRow {
  const r = find(due, ref)
  return { ...refOf(r), notifiedAt: Math.max(now, r.dueAt), snoozedUntil: null, dismissed: true }
}
