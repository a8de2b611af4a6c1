/**
 * The vault's public shapes. The IPC contract, the CLI and the reminders build on these.
 * Times are milliseconds since the epoch (UTC).
 */
import type { EntryStyle, KeyScope, KeyStatus } from '../providers'

export type EntryOrigin = 'manual' | 'keyserver'

/** A credential: one key, or (BlazeMeter) a key id plus a secret. */
export interface Credential {
  key: string
  secret?: string
}

/** What a caller gives to add an entry. Everything but style, name and credential is optional. */
export interface EntryInput {
  style: EntryStyle
  name: string
  credential: Credential
  scope?: KeyScope
  environment?: string
  tags?: string[]
  notes?: string
  /** Where "check now" validates the key: the provider's base URL or the local key server's. */
  baseUrl?: string | null
  expiresAt?: number | null
  /** When the current key was issued; defaults to now. Lets an imported key keep its real age. */
  lastRotatedAt?: number
  rotationPolicyDays?: number | null
  status?: KeyStatus
  origin?: EntryOrigin
  /** For keys issued by the local key server: the server's id of the key (rotation goes there). */
  serverKeyId?: string | null
}

/** Fields an update may change (the credential changes only through `rotate`). */
export type EntryPatch = Partial<
  Omit<EntryInput, 'credential' | 'style' | 'origin' | 'serverKeyId'>
>

/** Last result of validating the key against its provider. */
export type ValidationStatus = 'valid' | 'invalid' | 'expired' | 'unreachable'

/**
 * Metadata kept in clear so reminders work while the vault is locked. Names no key:
 * no name, notes, tags, scope or key material.
 */
export interface EntryClearMeta {
  id: string
  style: EntryStyle
  status: KeyStatus
  createdAt: number
  updatedAt: number
  expiresAt: number | null
  lastRotatedAt: number
  rotationPolicyDays: number | null
  lastCheck: { status: ValidationStatus; at: number } | null
}

/** The descriptive fields of an entry, encrypted in the file. */
export interface EntryDescription {
  name: string
  environment: string
  tags: string[]
  notes: string
  scope: KeyScope
  baseUrl: string | null
  origin: EntryOrigin
  serverKeyId: string | null
  /** Whether the credential has a separate secret (BlazeMeter). */
  hasSecret: boolean
}

/** An entry as lists show it: clear metadata plus decrypted descriptive fields, no secrets. */
export interface EntrySummary extends EntryClearMeta, EntryDescription {
  /** How many previous credentials are kept in the history. */
  historyCount: number
  /**
   * How many times the entry was written. A form sends back the version it was opened on, so
   * a change made elsewhere meanwhile is merged or refused, never overwritten.
   */
  version: number
}

/** One entry with a masked view of its key (never the key itself). */
export interface EntryDetail extends EntrySummary {
  keyMask: string
}

/** A previous credential kept after a rotation (revealed only through `revealHistory`). */
export interface HistoryItem {
  index: number
  rotatedAt: number
  keyMask: string
}

export type SecretField = 'key' | 'secret'

/** Argon2id parameters, stored in the vault header. */
export interface KdfParams {
  opsLimit: number
  memLimitBytes: number
}

export const DEFAULT_KDF: KdfParams = { opsLimit: 3, memLimitBytes: 64 * 1024 * 1024 }

/** Reminder bookkeeping, kept in clear (reminders issue): what was notified, snoozed, dismissed. */
export interface ReminderStateRow {
  entryId: string
  /** e.g. 'expires-soon', 'expired', 'rotation-due', 'validation-failed'. */
  kind: string
  /** Threshold in days for 'expires-soon' (30, 14, 7, 1); 0 otherwise. */
  threshold: number
  notifiedAt: number | null
  snoozedUntil: number | null
  dismissed: boolean
}
