/**
 * What the Settings form can tell about its fields, in words that say what to do, mirroring the
 * ranges the main process accepts (src-main/ipc/schemas.ts). Pure; unit-tested.
 */

export interface SettingsText {
  autoLock: string
  clipboard: string
  thresholds: string
  history: string
}

export type SettingsErrors = Partial<Record<keyof SettingsText, string>>

/** "30, 14, 7, 1" → [30, 14, 7, 1], or null when any part is not a positive whole number. */
export function parseThresholds(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const days = parts.map(Number)
  if (days.some((d) => !Number.isInteger(d) || d <= 0)) return null
  return [...new Set(days)].sort((a, b) => b - a)
}

function wholeIn(text: string, min: number, max: number): boolean {
  const t = text.trim()
  return /^\d+$/.test(t) && Number(t) >= min && Number(t) <= max
}

/** The problem of each field, if any. */
export function settingsProblems(s: SettingsText): SettingsErrors {
  const errors: SettingsErrors = {}
  if (!wholeIn(s.autoLock, 0, 1440))
    errors.autoLock = 'Type a whole number of minutes from 0 (never) to 1440 (a day).'
  if (!wholeIn(s.clipboard, 5, 600))
    errors.clipboard = 'Type a whole number of seconds from 5 to 600.'
  const days = parseThresholds(s.thresholds)
  if (!days || days.length === 0)
    errors.thresholds = 'Type whole numbers of days, separated by commas, e.g. 30, 14, 7, 1.'
  else if (days.length > 10) errors.thresholds = 'Keep it to 10 reminders at most.'
  else if (days.some((d) => d > 3650))
    errors.thresholds = 'Remind at most 3650 days (ten years) before expiry.'
  if (!wholeIn(s.history, 0, 100)) errors.history = 'Type a whole number from 0 to 100.'
  return errors
}
