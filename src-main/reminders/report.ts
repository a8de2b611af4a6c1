/**
 * The reminders as a list for people and machines (the CLI and any headless caller): what is
 * active now, with texts that name keys only when names are given.
 */
import type { EntryClearMeta, ReminderStateRow } from '../vault/types'
import { computeDue } from './due'
import { activeReminders, statusOf } from './state'
import { adviceFor, countText, notificationText, reminderSentence, type NameLookup } from './texts'
import type { ReminderKind, ReminderSettings } from './types'

export interface ReportItem {
  kind: ReminderKind
  threshold: number
  style: string
  /** When the reminder fell due, and the date it is about (ISO 8601, UTC). */
  dueAt: string
  deadline: string
  status: 'new' | 'notified'
  text: string
  advice: string
  /** Only while unlocked: the entry, its name, and the key for snooze/dismiss. */
  entryId?: string
  name?: string
  reminderKey?: string
}

export interface RemindersReport {
  locked: boolean
  now: string
  count: number
  /** One line: a count while locked ("… — unlock to see which"), else how many need attention. */
  summary: string
  items: ReportItem[]
}

/** Build the report of active reminders (not dismissed, not snoozed) at `now`. */
export function buildReport(input: {
  entries: readonly EntryClearMeta[]
  rows: readonly ReminderStateRow[]
  settings: ReminderSettings
  now: number
  names: NameLookup | null
}): RemindersReport {
  const { rows, now, names } = input
  const active = activeReminders(computeDue(input.entries, input.settings, now), rows, now)
  const items = active.map((r): ReportItem => {
    const item: ReportItem = {
      kind: r.kind,
      threshold: r.threshold,
      style: r.style,
      dueAt: new Date(r.dueAt).toISOString(),
      deadline: new Date(r.deadline).toISOString(),
      status: statusOf(r, rows, now) === 'new' ? 'new' : 'notified',
      text: reminderSentence(r, names, now),
      advice: adviceFor(r),
    }
    if (names === null) return item
    return {
      ...item,
      entryId: r.entryId,
      name: names.get(r.entryId) ?? '',
      reminderKey: `${r.entryId}:${r.kind}:${r.threshold}`,
    }
  })
  const summary =
    active.length === 0
      ? countText(0)
      : names === null
        ? notificationText(active, null, now).body
        : countText(active.length)
  return {
    locked: names === null,
    now: new Date(now).toISOString(),
    count: active.length,
    summary,
    items,
  }
}

/** The report as plain text lines for a terminal. */
export function formatReport(report: RemindersReport): string {
  const lines = [report.summary]
  for (const item of report.items) {
    lines.push(`- ${item.text}`)
    lines.push(`    ${item.advice}`)
  }
  return lines.join('\n') + '\n'
}
