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

function index(rows: readonly ReminderStateRow[]): Map<string, ReminderStateRow> {
  const map = new Map<string, ReminderStateRow>()
  for (const row of rows) map.set(refKey(row as ReminderRef), row)
  return map
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
  rows: readonly ReminderStateRow[],
  now: number,
): ReminderStatus {
  const row = index(rows).get(refKey(r))
  if (!current(row, r)) return 'new'
  if (row.dismissed) return 'dismissed'
  if (row.snoozedUntil !== null && now < row.snoozedUntil) return 'snoozed'
  if (row.snoozedUntil !== null) return 'new' // the snooze is over: it is news again
  return 'notified'
}

/** Reminders to show now: due, not dismissed, not snoozed. */
export function activeReminders(
  due: readonly DueReminder[],
  rows: readonly ReminderStateRow[],
  now: number,
): DueReminder[] {
  return due.filter((r) => {
    const s = statusOf(r, rows, now)
    return s === 'new' || s === 'notified'
  })
}

/** Reminders to notify now: due and never notified for this occurrence, or whose snooze ended. */
export function pendingNotifications(
  due: readonly DueReminder[],
  rows: readonly ReminderStateRow[],
  now: number,
): DueReminder[] {
  return due.filter((r) => statusOf(r, rows, now) === 'new')
}

/**
 * Rows recording that `fired` were notified at `now`. For an expiry threshold, the more distant
 * thresholds are marked too: once "expires within 7 days" was said, "within 14 days" must never
 * follow, even after the clock is set back.
 */
export function markNotified(
  fired: readonly DueReminder[],
  thresholdsDays: readonly number[],
  now: number,
): ReminderStateRow[] {
  const out: ReminderStateRow[] = []
  for (const r of fired) {
    out.push({ ...refOf(r), notifiedAt: now, snoozedUntil: null, dismissed: false })
    if (r.kind === 'expires-soon')
      for (const days of thresholdsDays)
        if (days > r.threshold)
          out.push({
            entryId: r.entryId,
            kind: r.kind,
            threshold: days,
            notifiedAt: now,
            snoozedUntil: null,
            dismissed: false,
          })
  }
  return out
}

function refOf(r: ReminderRef): ReminderRef {
  return { entryId: r.entryId, kind: r.kind, threshold: r.threshold }
}

function find(due: readonly DueReminder[], ref: ReminderRef): DueReminder {
  const r = due.find((d) => refKey(d) === refKey(ref))
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
