/**
 * What a locked vault can still answer and record: every entry's clear metadata (what reminders
 * read), the last check result of each key, the reminder bookkeeping and the clear settings.
 * Nothing here needs the vault key, and nothing here is secret. Answers are kept between calls
 * while the file is unchanged (the store's stamp): the scheduler reads them at every check, and
 * re-reading 100k rows each time was most of an hourly check.
 */
import { BLAZEMETER_EXPIRY_CAPS, type AccountPolicy } from '../providers'
import { InvalidInputError, EntryNotFoundError } from './errors'
import type { EntryRow, VaultStore } from './store'
import type { EntryClearMeta, ReminderStateRow, ValidationStatus } from './types'

const VALIDATION_STATUSES: readonly ValidationStatus[] = [
  'valid',
  'invalid',
  'expired',
  'unreachable',
]

/**
 * One string per distinct style and status: SQLite hands out a fresh copy per row, and two of
 * them per entry were ~5 MB of a 100k vault's kept rows.
 */
const shared = new Map<string, string>()
function intern<T extends string>(value: T): T {
  const known = shared.get(value)
  if (known !== undefined) return known as T
  if (shared.size < 256) shared.set(value, value)
  return value
}

function clearMetaOf(row: EntryRow): EntryClearMeta {
  const meta: EntryClearMeta = {
    id: row.id,
    style: intern(row.style),
    status: intern(row.status),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    lastRotatedAt: row.last_rotated_at,
    rotationPolicyDays: row.rotation_policy_days,
    lastCheck:
      row.last_check_status !== null && row.last_check_at !== null
        ? Object.freeze({ status: row.last_check_status, at: row.last_check_at })
        : null,
  }
  // Frozen: the rows are shared by every answer until the file changes.
  return Object.freeze(meta)
}

const DEFAULT_HISTORY_LIMIT = 5

export class ClearIndex {
  private clearMemo: { stamp: string; rows: readonly EntryClearMeta[] } | null = null
  private reminderMemo: { stamp: string; rows: readonly ReminderStateRow[] } | null = null

  constructor(private readonly store: VaultStore) {}

  /** Clear metadata of every entry, oldest first. */
  clearMetadata(): EntryClearMeta[] {
    const stamp = this.store.entriesStamp()
    if (this.clearMemo?.stamp !== stamp)
      this.clearMemo = { stamp, rows: this.store.allClear().map(clearMetaOf) }
    return this.clearMemo.rows.slice()
  }

  /** Store the last validation result of an entry (a clear column; no new entry version). */
  recordValidation(id: string, status: ValidationStatus, at: number): void {
    if (!VALIDATION_STATUSES.includes(status))
      throw new InvalidInputError(
        'The validation status must be valid, invalid, expired or unreachable.',
      )
    if (!Number.isSafeInteger(at) || at < 0)
      throw new InvalidInputError('The validation time must be a time in milliseconds since 1970.')
    if (!this.store.transaction(() => this.store.recordCheck(id, status, at)))
      throw new EntryNotFoundError(id)
  }

  /** Reminder bookkeeping rows. */
  reminderState(): ReminderStateRow[] {
    const stamp = this.store.remindersStamp()
    if (this.reminderMemo?.stamp !== stamp)
      this.reminderMemo = { stamp, rows: this.store.reminders().map((r) => Object.freeze(r)) }
    return this.reminderMemo.rows.slice()
  }

  /** Insert or replace reminder rows in one transaction: all, or none when one is malformed. */
  putReminderStates(rows: readonly ReminderStateRow[]): void {
    if (!Array.isArray(rows)) throw new InvalidInputError('The reminder state rows must be a list.')
    for (const row of rows) checkReminderRow(row)
    this.store.transaction(() => {
      for (const row of rows) {
        // The foreign key would refuse it too, but with SQLite's wording instead of ours.
        if (!this.store.hasEntry(row.entryId)) throw new EntryNotFoundError(row.entryId)
        this.store.putReminder(row)
      }
    })
  }

  /** A clear JSON setting, or undefined. */
  getSetting<T>(key: string): T | undefined {
    const raw = this.store.getSetting(key)
    return raw === undefined ? undefined : (JSON.parse(raw) as T)
  }

  /** The account policy (BlazeMeter's expiry cap); {} when unset. */
  accountPolicy(): AccountPolicy {
    const p = this.getSetting<AccountPolicy>('accountPolicy')
    return typeof p === 'object' && p !== null ? p : {}
  }

  /** How many previous keys an entry keeps (setting 'historyLimit', default 5). */
  historyLimit(): number {
    const n = this.getSetting<number>('historyLimit')
    return Number.isInteger(n) && (n as number) >= 0 ? (n as number) : DEFAULT_HISTORY_LIMIT
  }

  /** Store a clear JSON setting (settings are not secret: never put a key in one). */
  setSetting(key: string, value: unknown): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > 100)
      throw new InvalidInputError('A setting name is 1 to 100 characters.')
    if (
      key === 'historyLimit' &&
      !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100)
    )
      throw new InvalidInputError('The history limit must be a whole number from 0 to 100.')
    if (key === 'accountPolicy') checkAccountPolicy(value)
    const json = JSON.stringify(value)
    if (json === undefined) throw new InvalidInputError('A setting value must be JSON.')
    this.store.transaction(() => this.store.putSetting(key, json))
  }

  forget(): void {
    this.clearMemo = null
    this.reminderMemo = null
  }
}

function checkReminderRow(row: ReminderStateRow): void {
  const ok =
    typeof row === 'object' &&
    row !== null &&
    typeof row.entryId === 'string' &&
    typeof row.kind === 'string' &&
    row.kind.length > 0 &&
    row.kind.length <= 64 &&
    Number.isSafeInteger(row.threshold) &&
    (row.notifiedAt === null || Number.isSafeInteger(row.notifiedAt)) &&
    (row.snoozedUntil === null || Number.isSafeInteger(row.snoozedUntil)) &&
    typeof row.dismissed === 'boolean'
  if (!ok) throw new InvalidInputError('The reminder state row is malformed.')
}

function checkAccountPolicy(value: unknown): void {
  const caps = Object.keys(BLAZEMETER_EXPIRY_CAPS)
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([k, v]) => k === 'blazemeterExpiryCap' && (v === undefined || caps.includes(v as string)),
    )
  if (!ok)
    throw new InvalidInputError(
      `The account policy takes blazemeterExpiryCap, one of: ${caps.join(', ')}.`,
    )
}
