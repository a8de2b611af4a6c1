/**
 * Expiry arithmetic of the rotate and edit forms, shaped by the provider: a date, Userplane's
 * fixed lifetimes, or none. Rotation follows the CLI and the vault: the new key gets the lifetime
 * the old one had (expiry − issue), counted from now, within what the provider offers.
 */
import type { EntryStyle } from '../../src-main/ipc/contract'
import { DAY_MS, formatDate, timeLeft } from './format'
import { dateInputToMs, STYLE_FORMS, USERPLANE_CHOICES } from './styles'

/** An expiry field's value: '' (none), a date 'YYYY-MM-DD', or a fixed choice 'd7' / 'd30' / … */
export type ExpiryValue = string

/** What a key's dates are, as far as expiry goes. */
export interface KeyDates {
  expiresAt: number | null
  lastRotatedAt: number
}

/** Turn a field's value into `expiresAt` (null = never), or 'invalid'. Choices count from `from`. */
export function expiryToMs(value: ExpiryValue, from: number): number | null | 'invalid' {
  if (value === '') return null
  const choice = /^d(\d+)$/.exec(value)
  if (choice) return from + Number(choice[1]) * DAY_MS
  return dateInputToMs(value) ?? 'invalid'
}

/** The lifetime the current key was given (expiry − issue), or null when it never expires. */
export function lifetimeOf(key: KeyDates): number | null {
  if (key.expiresAt === null) return null
  return Math.max(0, key.expiresAt - key.lastRotatedAt)
}

/**
 * The fixed choice (in days) closest to a lifetime; on a tie the shorter one, so a new key never
 * lives longer than asked. The longest choice caps it (Userplane: 90 days).
 */
export function nearestChoice(
  lifetimeMs: number,
  choices: readonly number[] = USERPLANE_CHOICES,
): number {
  let best = choices[0]!
  for (const d of choices) {
    const gap = Math.abs(lifetimeMs - d * DAY_MS)
    const bestGap = Math.abs(lifetimeMs - best * DAY_MS)
    if (gap < bestGap || (gap === bestGap && d < best)) best = d
  }
  return best
}

/** Whether a lifetime matches a fixed choice (to the day: dates are typed without a time). */
function matchingChoice(lifetimeMs: number): number | null {
  return USERPLANE_CHOICES.find((d) => Math.abs(lifetimeMs - d * DAY_MS) <= DAY_MS) ?? null
}

/** The rotate form's starting expiry, and what it was derived from. */
export interface RotatePrefill {
  value: ExpiryValue
  /** The old key's lifetime, when it had one. */
  lifetimeMs: number | null
  /** Set when the provider's options could not keep the old lifetime exactly. */
  note: string | null
}

/** The old lifetime counted from now, within the provider's options. */
export function rotatePrefill(style: EntryStyle, key: KeyDates, now: number): RotatePrefill {
  const kind = STYLE_FORMS[style].expiry
  const lifetimeMs = lifetimeOf(key)
  if (kind === 'never' || lifetimeMs === null) return { value: '', lifetimeMs: null, note: null }
  if (kind === 'choices') {
    const days = nearestChoice(lifetimeMs)
    const kept = matchingChoice(lifetimeMs) === days
    return {
      value: `d${days}`,
      lifetimeMs,
      note: kept
        ? null
        : `The current key was given ${wholeDays(lifetimeMs)}; ${STYLE_FORMS[style].label} offers ${USERPLANE_CHOICES.join(', ')} days, so the nearest is chosen.`,
    }
  }
  return { value: formatDate(now + lifetimeMs), lifetimeMs, note: null }
}

function wholeDays(ms: number): string {
  const days = Math.max(1, Math.round(ms / DAY_MS))
  return `${days} day${days === 1 ? '' : 's'}`
}

/**
 * `expiresAt` to send for the rotate form's value at `now`. While the pre-filled date is left as
 * it was, the exact old lifetime from now is kept (as the CLI does), not the end of that day.
 */
export function rotateExpiresAt(
  value: ExpiryValue,
  prefill: RotatePrefill,
  now: number,
): number | null | 'invalid' {
  if (prefill.lifetimeMs !== null && value === prefill.value && !value.startsWith('d'))
    return now + prefill.lifetimeMs
  return expiryToMs(value, now)
}

/** The edit form's starting value for a key's current expiry. */
export function editExpiryValue(style: EntryStyle, key: KeyDates): ExpiryValue {
  const kind = STYLE_FORMS[style].expiry
  if (kind === 'never' || key.expiresAt === null) return ''
  if (kind === 'choices') return `d${nearestChoice(lifetimeOf(key) ?? 0)}`
  return formatDate(key.expiresAt)
}

/** `expiresAt` for the edit form's value: a fixed lifetime counts from when the key was issued. */
export function editExpiresAt(value: ExpiryValue, key: KeyDates): number | null | 'invalid' {
  return expiryToMs(value, key.lastRotatedAt)
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "12 Mar 2027", in the local zone: a date nobody reads the wrong way round. */
export function longDate(at: number): string {
  const d = new Date(at)
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`
}

/**
 * The sentence a form shows before saving: "New key expires on 12 Mar 2027 (in 30 days)",
 * "New key never expires", or what is wrong with the value.
 */
export function expirySentence(
  subject: string,
  expiresAt: number | null | 'invalid',
  now: number,
): string {
  if (expiresAt === 'invalid') return 'The expiry date is not a valid date.'
  if (expiresAt === null) return `${subject} never expires.`
  const left = expiresAt - now
  const when = left > 0 ? timeLeft(left) : 'already past'
  return `${subject} expires on ${longDate(expiresAt)} (${when}).`
}
