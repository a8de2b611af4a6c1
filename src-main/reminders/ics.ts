/**
 * iCalendar export (RFC 5545) of expiry and rotation-due dates.
 *
 * Each event's UID is derived from the entry id and the kind only, so re-importing or
 * re-subscribing updates the event instead of duplicating it; LAST-MODIFIED follows the entry.
 * Summaries name no key unless the caller passes names (`--with-names`): a calendar is often
 * synced to third-party servers, so by default it says "Keywarden: a WebPageTest key expires".
 */
import { DAY_MS } from '../providers'
import type { EntryClearMeta } from '../vault/types'
import { effectiveExpiry, rotationDue } from './due'
import { subject, type NameLookup } from './texts'
import type { ReminderSettings } from './types'

const CRLF = '\r\n'
const MAX_OCTETS = 75

/** Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/**
 * Fold a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space.
 * Splits between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  // Most lines are short: a UTF-16 length of 75/3 or less cannot exceed 75 octets.
  if (line.length <= 25 || Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8')
    // The first line holds 75 octets; continuations hold 74 after their leading space.
    const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  parts.push(current)
  return parts.join(`${CRLF} `)
}

/** A UTC date-time in the basic format: 20261201T100000Z. */
export function icsDateTime(at: number): string {
  return new Date(Math.floor(at / 1000) * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('.000', '')
}

export interface IcsOptions {
  /** Export time, written as DTSTAMP. */
  now: number
  settings: ReminderSettings
  /** Entry names, only when the user asked for them. */
  names?: NameLookup | null
}

type EventKind = 'expires' | 'rotation-due'

function eventLines(
  entry: EntryClearMeta,
  kind: EventKind,
  at: number,
  options: IcsOptions,
  alarms: readonly number[],
): string[] {
  const name = options.names?.get(entry.id) ?? null
  const who = subject(entry.style, name)
  const what = kind === 'expires' ? 'expires' : 'is due for rotation'
  const summary = `Keywarden: ${who} ${what}`
  const description =
    name === null
      ? 'Open Keywarden to see which key. Key names are left out of this calendar.'
      : `Open Keywarden to ${kind === 'expires' ? 'rotate or replace' : 'rotate'} this key.`
  const lines = [
    'BEGIN:VEVENT',
    `UID:${entry.id}-${kind}@keywarden`,
    `DTSTAMP:${icsDateTime(options.now)}`,
    `LAST-MODIFIED:${icsDateTime(entry.updatedAt)}`,
    `DTSTART:${icsDateTime(at)}`,
    'DURATION:PT30M',
    `SUMMARY:${escapeText(summary)}`,
    `DESCRIPTION:${escapeText(description)}`,
    'CATEGORIES:Keywarden',
    'TRANSP:TRANSPARENT',
  ]
  for (const days of alarms)
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${escapeText(summary)}`,
      `TRIGGER:-P${days}D`,
      'END:VALARM',
    )
  lines.push('END:VEVENT')
  return lines
}

/**
 * The expiry alarms of a key, as the reminders see its bands: the band the key was issued into
 * (a key issued 3 days before expiry is in the 7-day band at once, so its 7-day alarm stays even
 * though that moment precedes the issue) and every nearer one. Farther bands were never the
 * key's own: a calendar that fires missed alarms on import would otherwise say "30 days" and
 * "14 days" about a key with 3 days left.
 */
export function alarmDays(
  expiresAt: number,
  issuedAt: number,
  thresholdsDays: readonly number[],
): number[] {
  const ahead = thresholdsDays.filter((d) => expiresAt - d * DAY_MS > issuedAt)
  const passed = thresholdsDays.filter((d) => expiresAt - d * DAY_MS <= issuedAt)
  // A key issued already expired has no band left: its event itself says it expired.
  if (passed.length === 0 || expiresAt <= issuedAt) return ahead
  return [Math.min(...passed), ...ahead].sort((a, b) => b - a)
}

/** The whole calendar: one event per active entry's expiry and rotation due date. */
export function buildIcs(entries: readonly EntryClearMeta[], options: IcsOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Keywarden//Reminders//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Keywarden',
  ]
  const sorted = [...entries].sort((a, b) => a.id.localeCompare(b.id))
  for (const entry of sorted) {
    if (entry.status !== 'active') continue
    const expiry = effectiveExpiry(entry, options.settings)
    if (expiry) {
      const alarms = alarmDays(expiry.at, entry.lastRotatedAt, options.settings.thresholdsDays)
      lines.push(...eventLines(entry, 'expires', expiry.at, options, alarms))
    }
    const rotation = rotationDue(entry)
    if (expiry === null || rotation.at < expiry.at)
      lines.push(...eventLines(entry, 'rotation-due', rotation.at, options, []))
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join(CRLF) + CRLF
}
