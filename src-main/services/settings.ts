/**
 * Application settings, kept in the vault's clear settings table so they apply while locked
 * (auto-lock, reminder thresholds) and travel with the vault file.
 */
import type { Settings } from '../ipc/contract'

export const DEFAULT_SETTINGS: Settings = {
  autoLockMinutes: 5,
  clipboardClearSeconds: 30,
  reminderThresholds: [30, 14, 7, 1],
  historyLimit: 5,
  notifications: true,
  closeToTray: true,
  openAtLogin: false,
}

/** The setting keys, one row each, so the vault and the reminders can read the ones they use. */
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]

/**
 * The vault's setting key for each setting: the reminders read their thresholds from
 * 'reminderThresholdsDays' and the vault its history limit from 'historyLimit'.
 */
const STORAGE_KEY: Record<keyof Settings, string> = {
  autoLockMinutes: 'autoLockMinutes',
  clipboardClearSeconds: 'clipboardClearSeconds',
  reminderThresholds: 'reminderThresholdsDays',
  historyLimit: 'historyLimit',
  notifications: 'notifications',
  closeToTray: 'closeToTray',
  openAtLogin: 'openAtLogin',
}

/** Where settings are read from and written to (the vault's clear settings). */
export interface SettingsStore {
  getSetting<T>(key: string): T | undefined
  setSetting(key: string, value: unknown): void
}

/** Every setting, falling back to its default where the store has none. */
export function readSettings(store: SettingsStore | null): Settings {
  const settings = {
    ...DEFAULT_SETTINGS,
    reminderThresholds: [...DEFAULT_SETTINGS.reminderThresholds],
  }
  if (!store) return settings
  for (const key of SETTING_KEYS) {
    const value = store.getSetting<Settings[typeof key]>(STORAGE_KEY[key])
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value
  }
  return settings
}

/** Write the given settings (already validated by the router's schema). */
export function writeSettings(store: SettingsStore, patch: Partial<Settings>): Settings {
  for (const key of SETTING_KEYS) {
    const value = patch[key]
    if (value === undefined) continue
    // Thresholds are kept sorted from the furthest to the nearest, without duplicates.
    const normalized =
      key === 'reminderThresholds' ? [...new Set(value as number[])].sort((a, b) => b - a) : value
    store.setSetting(STORAGE_KEY[key], normalized)
  }
  return readSettings(store)
}
