/**
 * Reminder settings, kept as clear JSON settings in the vault so they work while it is locked.
 */
import {
  BLAZEMETER_DEFAULT_CAP,
  BLAZEMETER_EXPIRY_CAPS,
  type AccountPolicy,
  type BlazemeterExpiryCap,
} from '../providers'
import { ReminderError } from './errors'
import type { ReminderSettings } from './types'

/** Setting key of the expiry thresholds (an array of whole days). */
export const THRESHOLDS_SETTING = 'reminderThresholdsDays'
/** Setting key of the account policy (shared with the vault's provider rules). */
export const ACCOUNT_POLICY_SETTING = 'accountPolicy'

export const DEFAULT_THRESHOLDS_DAYS: readonly number[] = [30, 14, 7, 1]

/** Upper bound on a threshold: ten years, the longest BlazeMeter cap. */
const MAX_THRESHOLD_DAYS = 3650
const MAX_THRESHOLDS = 10

/** The subset of the vault the settings need. */
export interface SettingsSource {
  getSetting<T>(key: string): T | undefined
}

/** Check a thresholds value; returns it sorted most distant first, or throws INVALID_SETTING. */
export function parseThresholds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_THRESHOLDS)
    throw new ReminderError(
      'INVALID_SETTING',
      `Reminder thresholds must be a list of 1 to ${MAX_THRESHOLDS} whole numbers of days.`,
    )
  for (const v of value)
    if (!Number.isInteger(v) || v < 1 || v > MAX_THRESHOLD_DAYS)
      throw new ReminderError(
        'INVALID_SETTING',
        `Each reminder threshold must be a whole number of days from 1 to ${MAX_THRESHOLD_DAYS}.`,
      )
  return [...new Set(value as number[])].sort((a, b) => b - a)
}

function capDays(policy: unknown): number {
  if (policy === undefined || policy === null) return BLAZEMETER_EXPIRY_CAPS[BLAZEMETER_DEFAULT_CAP]
  const cap = (policy as AccountPolicy).blazemeterExpiryCap
  if (cap === undefined) return BLAZEMETER_EXPIRY_CAPS[BLAZEMETER_DEFAULT_CAP]
  if (typeof cap !== 'string' || !Object.hasOwn(BLAZEMETER_EXPIRY_CAPS, cap))
    throw new ReminderError(
      'INVALID_SETTING',
      `The BlazeMeter expiry cap must be one of: ${Object.keys(BLAZEMETER_EXPIRY_CAPS).join(', ')}.`,
    )
  return BLAZEMETER_EXPIRY_CAPS[cap as BlazemeterExpiryCap]
}

/** Read the reminder settings (defaults where unset); a malformed stored value is an error. */
export function readReminderSettings(source: SettingsSource): ReminderSettings {
  const stored = source.getSetting<unknown>(THRESHOLDS_SETTING)
  return {
    thresholdsDays: stored === undefined ? [...DEFAULT_THRESHOLDS_DAYS] : parseThresholds(stored),
    blazemeterCapDays: capDays(source.getSetting<unknown>(ACCOUNT_POLICY_SETTING)),
  }
}

/** Store new expiry thresholds after checking them. */
export function writeThresholds(
  target: { setSetting(key: string, value: unknown): void },
  value: unknown,
): number[] {
  const days = parseThresholds(value)
  target.setSetting(THRESHOLDS_SETTING, days)
  return days
}

/** The settings used when nothing is stored. */
export function defaultReminderSettings(): ReminderSettings {
  return {
    thresholdsDays: [...DEFAULT_THRESHOLDS_DAYS],
    blazemeterCapDays: BLAZEMETER_EXPIRY_CAPS[BLAZEMETER_DEFAULT_CAP],
  }
}
