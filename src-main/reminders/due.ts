/**
 * What is due: a pure function of the entries' clear metadata, the settings and the time.
 *
 * Thresholds are exact durations before an instant in UTC epoch milliseconds ("7 days" is
 * 7 × 86,400,000 ms), never local calendar days. A local-time rule would meet 23- and 25-hour
 * days and a repeated hour at daylight-saving changes, and would move when the user travels;
 * exact durations on the epoch clock give every threshold one fixed moment, so a walk of the
 * clock in any time zone crosses it exactly once. The price: "1 day before" means 24 hours
 * before, not "the previous calendar day".
 */
import { DAY_MS, STYLE_RULES } from '../providers'
import type { EntryClearMeta } from '../vault/types'
import type { DueReminder, ProviderFact, ReminderSettings } from './types'

/** The expiry that applies to an entry: the recorded one, or for BlazeMeter the account cap. */
export function effectiveExpiry(
  entry: EntryClearMeta,
  settings: ReminderSettings,
): { at: number; fromCap: boolean } | null {
  if (entry.style === 'blazemeter') {
    // Every BlazeMeter key has an expiration period no longer than the account's cap, so a key
    // recorded without an expiry still expires at (issued + cap).
    const capped = entry.lastRotatedAt + settings.blazemeterCapDays * DAY_MS
    if (entry.expiresAt === null || entry.expiresAt > capped) return { at: capped, fromCap: true }
    return { at: entry.expiresAt, fromCap: false }
  }
  return entry.expiresAt === null ? null : { at: entry.expiresAt, fromCap: false }
}

/** The rotation due date: last rotation plus the entry's policy, else its style's default. */
export function rotationDue(entry: EntryClearMeta): { at: number; policyDays: number } {
  const policyDays = entry.rotationPolicyDays ?? STYLE_RULES[entry.style].defaultRotationDays
  return { at: entry.lastRotatedAt + policyDays * DAY_MS, policyDays }
}

function factOf(entry: EntryClearMeta): ProviderFact | undefined {
  if (entry.style === 'userplane') return 'userplane-max-lifetime'
  if (entry.style === 'blazemeter') return 'blazemeter-account-cap'
  return undefined
}

/** One reminder; optional fields are set only when they apply (no spreads: this runs per entry). */
function make(
  entry: EntryClearMeta,
  kind: DueReminder['kind'],
  threshold: number,
  dueAt: number,
  deadline: number,
  fact: ProviderFact | undefined,
): DueReminder {
  const r: DueReminder = { entryId: entry.id, style: entry.style, kind, threshold, dueAt, deadline }
  if (fact) r.fact = fact
  return r
}

/** The reminders of one entry that are due at `now`. */
export function dueForEntry(
  entry: EntryClearMeta,
  settings: ReminderSettings,
  now: number,
): DueReminder[] {
  if (entry.status !== 'active') return []
  const out: DueReminder[] = []
  const fact = factOf(entry)
  const expiry = effectiveExpiry(entry, settings)
  if (expiry) {
    let r: DueReminder | null = null
    if (now >= expiry.at) {
      r = make(entry, 'expired', 0, expiry.at, expiry.at, fact)
    } else {
      // The band the key is in now: the nearest threshold already crossed, even when that moment
      // fell before the key was issued. A key added, imported or rotated 3 days before its expiry
      // is in the 7-day band at once (skipping such thresholds left it silent until the last
      // day). The moment stays fixed at (expiry − threshold), never clamped to the issue date:
      // a fixed moment is what lets the bookkeeping survive a clock set back (state.ts), and the
      // vault clears the rows whenever the expiry or the key changes, so no older row counts.
      let crossed: number | undefined
      for (const days of settings.thresholdsDays) {
        const at = expiry.at - days * DAY_MS
        if (now >= at && (crossed === undefined || days < crossed)) crossed = days
      }
      if (crossed !== undefined)
        r = make(entry, 'expires-soon', crossed, expiry.at - crossed * DAY_MS, expiry.at, fact)
    }
    if (r) {
      if (expiry.fromCap) r.expiryFromCap = true
      out.push(r)
    }
  }
  const rotation = rotationDue(entry)
  // A key that expires before its rotation date is already covered by its expiry reminders,
  // which give the same advice (rotate); a second reminder would be noise.
  const expiresFirst = expiry !== null && expiry.at <= rotation.at
  if (!expiresFirst && now >= rotation.at) {
    const r = make(entry, 'rotation-due', 0, rotation.at, rotation.at, fact)
    r.policyDays = rotation.policyDays
    out.push(r)
  }
  const check = entry.lastCheck
  // A check made before the last rotation was about the previous key: the new one is not refused.
  const verdict = check?.status === 'invalid' || check?.status === 'expired' ? check.status : null
  if (check && verdict && check.at >= entry.lastRotatedAt && now >= check.at) {
    const r = make(entry, 'validation-failed', 0, check.at, check.at, fact)
    r.verdict = verdict
    out.push(r)
  }
  return out
}

/** Every reminder due at `now`, in the entries' order. Revoked and disabled keys give none. */
export function collectDue(
  entries: readonly EntryClearMeta[],
  settings: ReminderSettings,
  now: number,
): DueReminder[] {
  const out: DueReminder[] = []
  for (const entry of entries) for (const r of dueForEntry(entry, settings, now)) out.push(r)
  return out
}

/** Most urgent deadline first; ties in plain code-unit order of the ids (ASCII; localeCompare is far slower). */
export function byUrgency(a: DueReminder, b: DueReminder): number {
  return a.deadline - b.deadline || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0)
}

/** Every reminder due at `now`, most urgent deadline first. Revoked and disabled keys give none. */
export function computeDue(
  entries: readonly EntryClearMeta[],
  settings: ReminderSettings,
  now: number,
): DueReminder[] {
  return collectDue(entries, settings, now).sort(byUrgency)
}

/** The next moment after `now` at which something becomes due (for scheduling a precise check). */
export function nextDueMoment(
  entries: readonly EntryClearMeta[],
  settings: ReminderSettings,
  now: number,
): number | null {
  let next: number | null = null
  const consider = (at: number): void => {
    if (at > now && (next === null || at < next)) next = at
  }
  for (const entry of entries) {
    if (entry.status !== 'active') continue
    const expiry = effectiveExpiry(entry, settings)
    if (expiry) {
      consider(expiry.at)
      for (const days of settings.thresholdsDays) consider(expiry.at - days * DAY_MS)
    }
    consider(rotationDue(entry).at)
  }
  return next
}
