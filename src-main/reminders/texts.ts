/**
 * Every sentence the reminders show: OS notifications, the tray count, the CLI and calendar
 * summaries. One module so a locked text can be checked in one place to name no key.
 *
 * Locked: only clear metadata is known, so a text counts keys ("3 keys expire within 7 days —
 * unlock to see which"). Unlocked: a caller passes each entry's name and texts name their keys.
 */
import { STYLE_RULES, WEBPAGETEST_DEFAULT_GRACE_DAYS, type EntryStyle } from '../providers'
import { DAY_MS } from '../providers'
import type { DueReminder, ReminderKind } from './types'

/** Entry id -> name, available only while the vault is unlocked. */
export type NameLookup = ReadonlyMap<string, string>

export interface NotificationText {
  title: string
  body: string
}

const KIND_ORDER: readonly ReminderKind[] = [
  'expired',
  'validation-failed',
  'expires-soon',
  'rotation-due',
]

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/** "3 keys expire within 7 days", "1 key has expired", ... for a group of one kind. */
function groupPhrase(kind: ReminderKind, group: readonly DueReminder[]): string {
  const n = group.length
  switch (kind) {
    case 'expires-soon': {
      const days = Math.max(...group.map((r) => r.threshold))
      return `${plural(n, 'key expires', 'keys expire')} within ${plural(days, 'day', 'days')}`
    }
    case 'expired':
      return n === 1 ? '1 key has expired' : `${n} keys have expired`
    case 'rotation-due':
      return n === 1 ? '1 key is due for rotation' : `${n} keys are due for rotation`
    case 'validation-failed':
      return n === 1
        ? '1 key was refused by its provider'
        : `${n} keys were refused by their providers`
  }
}

function groups(reminders: readonly DueReminder[]): [ReminderKind, DueReminder[]][] {
  return KIND_ORDER.map(
    (k) => [k, reminders.filter((r) => r.kind === k)] as [ReminderKind, DueReminder[]],
  ).filter(([, g]) => g.length > 0)
}

/** Short count for a tray or badge: "3 keys need attention" (names no key). */
export function countText(active: number): string {
  return active === 0
    ? 'No key needs attention'
    : `${plural(active, 'key needs', 'keys need')} attention`
}

/** Quote a key name for display, on one line. */
export function quoteName(name: string): string {
  return `“${name.replace(/[\r\n\t]+/g, ' ').trim()}”`
}

function nameOf(r: DueReminder, names: NameLookup | null): string | null {
  return names?.get(r.entryId) ?? null
}

/** The text of an OS notification for the reminders that fire together. */
export function notificationText(
  reminders: readonly DueReminder[],
  names: NameLookup | null,
  now: number,
): NotificationText {
  const parts = groups(reminders).map(([kind, g]) => groupPhrase(kind, g))
  const summary = parts.join(', ')
  if (names === null) return { title: 'Keywarden', body: `${summary} — unlock to see which` }
  if (reminders.length === 1) {
    const r = reminders[0]!
    return { title: `Keywarden: ${reminderSentence(r, names, now)}`, body: adviceFor(r) }
  }
  const lines = groups(reminders).map(
    ([kind, g]) =>
      `${groupPhrase(kind, g)}: ${g.map((r) => (nameOf(r, names) !== null ? quoteName(nameOf(r, names)!) : `a ${styleName(r.style)} key`)).join(', ')}`,
  )
  return { title: `Keywarden: ${summary}`, body: lines.join('\n') }
}

function styleName(style: EntryStyle): string {
  return style === 'generic' ? 'service' : STYLE_RULES[style].displayName
}

/** "a WebPageTest key" when locked, "“ci-deploy” (WebPageTest)" when the name is known. */
export function subject(style: EntryStyle, name: string | null): string {
  if (name === null) return style === 'generic' ? 'a key' : `a ${styleName(style)} key`
  return style === 'generic' ? quoteName(name) : `${quoteName(name)} (${styleName(style)})`
}

/**
 * A duration from now as words: "in 7 days", "3 hours ago". Whole units, counted down, never
 * rounded up: 2 days 5 hours is "in 2 days" (rounding said "in 3 days" of a key added with 3
 * days left a moment earlier, and would promise a day that is not there); under a day, hours.
 */
export function relative(at: number, now: number): string {
  const delta = at - now
  const abs = Math.abs(delta)
  let words: string
  if (abs < 3_600_000)
    words =
      abs < 60_000 ? 'less than a minute' : plural(Math.floor(abs / 60_000), 'minute', 'minutes')
  else if (abs < DAY_MS) words = plural(Math.floor(abs / 3_600_000), 'hour', 'hours')
  else words = plural(Math.floor(abs / DAY_MS), 'day', 'days')
  return delta >= 0 ? `in ${words}` : `${words} ago`
}

/** A date as an unambiguous UTC time: "2026-12-01 10:00 UTC". */
export function utcDate(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** One sentence for one reminder; names the key only when `names` knows it. */
export function reminderSentence(r: DueReminder, names: NameLookup | null, now: number): string {
  const who = subject(r.style, nameOf(r, names))
  switch (r.kind) {
    case 'expires-soon':
      return capitalize(`${who} expires ${relative(r.deadline, now)} (${utcDate(r.deadline)})`)
    case 'expired':
      return capitalize(`${who} expired ${relative(r.deadline, now)} (${utcDate(r.deadline)})`)
    case 'rotation-due':
      return capitalize(
        `${who} is due for rotation: last rotated ${relative(r.deadline - (r.policyDays ?? 0) * DAY_MS, now)}, policy every ${r.policyDays} days`,
      )
    case 'validation-failed':
      return capitalize(
        `${who} was ${r.verdict === 'expired' ? 'reported expired' : 'refused'} by its provider at ${utcDate(r.deadline)}`,
      )
  }
}

function rotateHow(style: EntryStyle): string {
  switch (STYLE_RULES[style].rotation) {
    case 'replace-in-slot':
      return 'rotate it: the new key takes its slot and the old one stops working at once'
    case 'new-secret-same-id':
      return 'regenerate its secret: the key id stays and the old secret stops working at once'
    case 'new-key-revoke-old':
      return 'create a new key, move your apps to it, then revoke the old one'
  }
}

/** What to do about a reminder, including the provider's own facts. */
export function adviceFor(r: DueReminder): string {
  const how = capitalize(rotateHow(r.style))
  const facts: string[] = []
  if (r.fact === 'userplane-max-lifetime' && (r.kind === 'expires-soon' || r.kind === 'expired'))
    facts.push(
      'Userplane keys live at most 90 days and cannot be extended; rotation is the only way on.',
    )
  if (r.fact === 'blazemeter-account-cap' && r.kind !== 'validation-failed')
    facts.push(
      r.expiryFromCap
        ? "This date is the account's expiry cap; the new secret's lifetime is capped by the account policy too."
        : "The new secret's lifetime is capped by the account's expiry policy.",
    )
  if (r.style === 'webpagetest' && r.kind === 'expired')
    facts.push(
      `WebPageTest keeps honouring an expired key for ${WEBPAGETEST_DEFAULT_GRACE_DAYS} days; act before then.`,
    )
  if (r.kind === 'validation-failed')
    facts.unshift(
      "Check the key in the provider's console; it may have been revoked, disabled or expired.",
    )
  return [...facts, `${how}.`].join(' ')
}
