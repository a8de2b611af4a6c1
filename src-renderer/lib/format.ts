/** Pure presentation helpers: badges, times, strength hints. Unit-tested in test/renderer. */
import type { EntrySummary, ValidationStatus } from '../../src-main/ipc/contract'

export const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export type Tone = 'ok' | 'warn' | 'bad' | 'muted'

export interface Badge {
  text: string
  tone: Tone
}

/**
 * The expiry badge of a row: "expired", "expires in less than an hour", "expires in N hours"
 * (under a day), "expires in N days" (up to 30, where each day counts), then weeks, then months,
 * or "never expires". Whole units left, never rounded up: a key with 2 days 5 hours left has
 * 2 days, not 3 (rounding up tells the user there is more time).
 */
export function expiryBadge(expiresAt: number | null, now: number, soonDays = 30): Badge {
  if (expiresAt === null) return { text: 'never expires', tone: 'muted' }
  const left = expiresAt - now
  if (left <= 0) return { text: 'expired', tone: 'bad' }
  const text = `expires ${coarseTimeLeft(left)}`
  if (left < DAY_MS) return { text, tone: 'bad' }
  const days = Math.floor(left / DAY_MS)
  return { text, tone: days <= 7 ? 'bad' : days <= soonDays ? 'warn' : 'ok' }
}

/**
 * "in 2 days", "in 6 weeks", "in 4 months" for a positive time left, never rounded up: days up
 * to 30 (the reminder window, where a day matters), weeks below 12, then months. For badges.
 */
export function coarseTimeLeft(ms: number): string {
  const days = Math.floor(ms / DAY_MS)
  if (days <= 30) return timeLeft(ms)
  if (days < 84) return `in ${Math.floor(days / 7)} weeks`
  return `in ${Math.floor(days / 30)} months`
}

/** "in 2 days", "in 5 hours", "in less than an hour" for a positive time left, never rounded up. */
export function timeLeft(ms: number): string {
  if (ms < HOUR_MS) return 'in less than an hour'
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS)
    return `in ${hours} hour${hours === 1 ? '' : 's'}`
  }
  const days = Math.floor(ms / DAY_MS)
  return `in ${days} day${days === 1 ? '' : 's'}`
}

/** "3 min ago", "2 h ago", "5 days ago" (coarse on purpose: a list, not a log). */
export function timeAgo(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000))
  if (s < 45) return 'just now'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 24) return `${h} h ago`
  const d = Math.round(h / 24)
  return `${d} day${d === 1 ? '' : 's'} ago`
}

const CHECK_TONE: Record<ValidationStatus, Tone> = {
  valid: 'ok',
  invalid: 'bad',
  expired: 'bad',
  unreachable: 'warn',
}

/** The last-validation cell: "valid · 3 min ago" or "not checked". */
export function lastCheckBadge(check: EntrySummary['lastCheck'], now: number): Badge {
  if (!check) return { text: 'not checked', tone: 'muted' }
  return { text: `${check.status} · ${timeAgo(check.at, now)}`, tone: CHECK_TONE[check.status] }
}

/** A date for people, in the local zone: "2026-11-22". */
export function formatDate(at: number | null): string {
  if (at === null) return 'never'
  const d = new Date(at)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** A date and time for people: "2026-11-22 14:05". */
export function formatDateTime(at: number): string {
  const d = new Date(at)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${formatDate(at)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** "12 s", "3 min 5 s": how long to wait before another password attempt. */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  const r = s % 60
  return r ? `${m} min ${r} s` : `${m} min`
}

export interface Strength {
  /** 0 (very weak) .. 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4
  label: string
  hint: string
}

/**
 * A rough strength hint from length and character variety (an estimate of entropy bits that
 * also punishes repeats). It guides; the vault's Argon2id is what makes guesses expensive.
 */
export function passwordStrength(password: string): Strength {
  if (password.length === 0) return { score: 0, label: 'empty', hint: 'Choose a master password.' }
  let pool = 0
  if (/[a-z]/.test(password)) pool += 26
  if (/[A-Z]/.test(password)) pool += 26
  if (/[0-9]/.test(password)) pool += 10
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33
  const unique = new Set(password).size
  const effective = Math.min(password.length, unique * 2)
  const bits = effective * Math.log2(Math.max(pool, 2))
  if (bits < 35)
    return { score: 0, label: 'very weak', hint: 'Too easy to guess. Use a long passphrase.' }
  if (bits < 50) return { score: 1, label: 'weak', hint: 'Add more words or characters.' }
  if (bits < 65) return { score: 2, label: 'fair', hint: 'Longer is better: four or more words.' }
  if (bits < 85) return { score: 3, label: 'good', hint: 'A good password.' }
  return { score: 4, label: 'strong', hint: 'A strong password.' }
}

/** Tags typed as "a, b, c" into a list, blanks dropped. */
export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
}
