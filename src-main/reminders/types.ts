/**
 * Shapes of the reminder engine. Times are milliseconds since the epoch (UTC); durations are
 * exact (a "day" is 86,400,000 ms), never calendar days in a local time zone.
 */
import type { EntryStyle } from '../providers'

export type ReminderKind = 'expires-soon' | 'expired' | 'rotation-due' | 'validation-failed'

/** A provider fact that changes the advice a reminder gives. */
export type ProviderFact =
  /** Userplane: a key lives at most 90 days and cannot be extended, only rotated. */
  | 'userplane-max-lifetime'
  /** BlazeMeter: the key's lifetime is capped by the account's expiry policy. */
  | 'blazemeter-account-cap'

/** One reminder that is due now, computed from clear metadata only (it names no key). */
export interface DueReminder {
  entryId: string
  style: EntryStyle
  kind: ReminderKind
  /** Days before expiry for 'expires-soon' (e.g. 30, 14, 7, 1); 0 for the other kinds. */
  threshold: number
  /** The moment this reminder became due (it fires at the first check at or after it). */
  dueAt: number
  /** The date the reminder is about: the expiry, the rotation due date, or the failed check. */
  deadline: number
  /** For 'rotation-due': the rotation policy in days that applied. */
  policyDays?: number
  /** For 'validation-failed': what the provider said. */
  verdict?: 'invalid' | 'expired'
  fact?: ProviderFact
  /** BlazeMeter: true when the expiry comes from the account cap, not a recorded date. */
  expiryFromCap?: boolean
}

/** The settings the reminders read (stored as clear JSON settings in the vault). */
export interface ReminderSettings {
  /** Days before expiry at which 'expires-soon' fires, most distant first. */
  thresholdsDays: number[]
  /** BlazeMeter account-wide expiry cap, in days. */
  blazemeterCapDays: number
}

/** What a snooze lasts. */
export type SnoozeDuration = '1d' | '1w'

/** Identifies one reminder's bookkeeping row: an entry, a kind and (for expiry) a threshold. */
export interface ReminderRef {
  entryId: string
  kind: ReminderKind
  threshold: number
}
