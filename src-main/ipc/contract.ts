/**
 * The one contract between the renderer and the main process. Every call the UI can make is
 * listed in `Calls` with its input and output; `KeywardenApi` is the object the renderer gets,
 * whichever transport carries it (Electron IPC in desktop mode, loopback HTTP in browser mode).
 *
 * The renderer imports this file with `import type` only (lint enforces it), so nothing here
 * may be needed at run time by the renderer. Types only, plus the list of call names that the
 * preload and the router use to build and check the API.
 */
import type { KeyScope, KeyStatus } from '../providers/rules'
import type { EntryStyle, ServerStyle } from '../providers/styles'
import type { RequestLogEntry } from '../keyserver/request-log'
import type { ImportFormat } from '../transfer/types'
import type { AuditAction, AuditRecord, AuditVerification } from '../vault/audit'
import type {
  Credential,
  EntryDetail,
  EntryInput,
  EntryPatch,
  EntrySummary,
  HistoryItem,
  SecretField,
  ValidationStatus,
} from '../vault/types'

export type {
  Credential,
  EntryDetail,
  EntryInput,
  EntryPatch,
  EntrySummary,
  HistoryItem,
  SecretField,
  ValidationStatus,
  EntryStyle,
  KeyScope,
  KeyStatus,
  ServerStyle,
}

export type AppMode = 'desktop' | 'browser'

export interface AppInfo {
  mode: AppMode
  version: string
  platform: string
  /** Where the vault and the key server keep their files. */
  dataDir: string
}

export interface VaultStatus {
  /** A vault file exists at the configured path. */
  exists: boolean
  unlocked: boolean
  path: string
  /** Milliseconds until another password attempt is allowed (wrong-password back-off), else 0. */
  retryAfterMs: number
  /**
   * Entries that failed to open at unlock (tampered or truncated), named by id. Known only once
   * every entry is open: empty while `loading`.
   */
  damaged: { id: string; reason: string }[]
  /** While the unlock is still opening entries in the background: how far it got. */
  loading?: EntryLoading
}

/** An unlock still opening entries: `loaded` of the `total` in the file so far. */
export interface EntryLoading {
  loaded: number
  total: number
}

export interface CopyResult {
  /**
   * 'main': the main process put the value on the clipboard (desktop mode); the renderer never
   * saw it. 'renderer': browser mode, where only the page can reach the clipboard: `value` is
   * the one secret the user chose to copy, and the page must clear it after `clearAfterMs`.
   */
  copiedBy: 'main' | 'renderer'
  value?: string
  clearAfterMs: number
}

export type ReminderKind = 'expires-soon' | 'expired' | 'rotation-due' | 'validation-failed'

/** A due reminder as the UI shows it. While locked, `entryId` and `entryName` are absent. */
export interface ReminderView {
  /** Stable id for snooze/dismiss: `${entryId}:${kind}:${threshold}` (absent while locked). */
  key?: string
  kind: ReminderKind
  /** Days before expiry for 'expires-soon' (30, 14, 7, 1); 0 otherwise. */
  threshold: number
  entryId?: string
  entryName?: string
  style: EntryStyle
  /** When the key expires or the rotation falls due (ms since epoch), if known. */
  dueAt: number | null
  /** A sentence for people; names no key while the vault is locked. */
  text: string
}

export interface RemindersSnapshot {
  locked: boolean
  /** One line for a notification or the tray, e.g. "3 keys expire within 7 days — unlock to see which". */
  summary: string | null
  count: number
  items: ReminderView[]
}

/** The bands of the Reminders view, in the order a user acts on them. */
export type ReminderBandId = 'expired' | 'week' | 'month' | 'rotation' | 'checks'

export interface ReminderBandCount {
  id: ReminderBandId
  title: string
  count: number
}

/**
 * What is due without the rows: the locked text, the total and the count per band. Small at any
 * vault size; the rows come a page at a time (`reminders.page`).
 */
export interface RemindersSummary {
  locked: boolean
  /** One line for a notification or the tray (names no key while locked). */
  summary: string | null
  count: number
  /** The non-empty bands, in order. */
  bands: ReminderBandCount[]
}

/** One page of one band, soonest deadline first. */
export interface ReminderPage {
  band: ReminderBandId
  offset: number
  /** How many reminders the band holds now. */
  total: number
  items: ReminderView[]
}

export interface KeyServerStatus {
  running: boolean
  url: string | null
  port: number | null
  dataDir: string
}

/** A namespace of the key server: an isolated world with its own keys, clock and faults. */
export interface KeyServerNamespace {
  name: string
  /** Seed of the namespace's fault draws (a re-run with the same seed meets the same faults). */
  seed: string
  createdAt: string
  /** The namespace's clock (ISO) and its offset from the server's time. */
  clockNow: string
  clockOffsetSeconds: number
  faultRules: number
  /** Per provider style, the base URL a client of this namespace uses. */
  baseUrls: Record<string, string>
}

/** A key the local key server issued, as its admin API lists it (never its credential). */
export interface KeyServerKey {
  id: string
  style: ServerStyle
  owner: string
  name: string
  status: 'active' | 'disabled' | 'revoked'
  expired: boolean
  /** Display prefix and the last 4 characters. */
  masked: string
  expiresAt: string | null
  replacedBy: string | null
  requests: number
  lastUsedAt: string | null
  /** Whether the provider has an on/off switch for keys (Similarweb, Userplane). */
  canToggle: boolean
  /** The vault entry holding this key, if any (default namespace, vault unlocked). */
  vaultEntryId: string | null
}

/** A key of a namespace (the default one when `namespace` is left out). */
export interface KeyServerKeyRef {
  namespace?: string
  id: string
}

/** One line of the key server's request log (never a key or secret; the path has no query). */
export type KeyServerLogLine = RequestLogEntry

/** Ask the local key server for a new key in a provider's style and keep it in the vault. */
export interface IssueKeyInput {
  style: ServerStyle
  name: string
  owner?: string
  expiresInDays?: number
  level?: 'user' | 'project'
  projectId?: number
  apiType?: 'rest' | 'batch'
  environment?: string
  tags?: string[]
}

export interface Settings {
  autoLockMinutes: number
  clipboardClearSeconds: number
  /** Days before expiry at which to remind, e.g. [30, 14, 7, 1]. */
  reminderThresholds: number[]
  /** How many previous credentials a rotation keeps. */
  historyLimit: number
  notifications: boolean
  /** Desktop: closing the window keeps Keywarden in the tray, reminding. */
  closeToTray: boolean
  /** Desktop: start (tray only) when the user logs in. */
  openAtLogin: boolean
}

export interface RotateInput {
  id: string
  /**
   * The new credential from the provider. Omit for a key issued by the local key server: it
   * rotates there. For BlazeMeter the key id may be left out: regenerating keeps the id.
   */
  credential?: { key?: string; secret?: string }
  expiresAt?: number | null
  /** The version the form was opened on (see entries.update). */
  expectedVersion?: number
}

/** Sort orders of a page of entries; without one, the vault's own order (oldest first). */
export type EntrySort = 'name' | 'expiry' | 'updated'

/** Filters on time and checks, beside `status`: expired, expiring within 30 days, last check failed. */
export type EntryCondition = 'expired' | 'expiring' | 'check-failed'

export interface EntryPageInput {
  offset: number
  /** 1 to 500 rows. */
  limit: number
  /** Server-side search (as entries.search); empty or absent: every entry. */
  query?: string
  style?: EntryStyle
  status?: KeyStatus
  condition?: EntryCondition
  sort?: EntrySort
}

export interface EntryPage {
  /** How many entries match the query and filters (the list's length). */
  total: number
  offset: number
  items: EntrySummary[]
  /** Changes whenever the entry set changes: pages of another revision are stale. */
  revision: number
  /**
   * Present while the unlock is still opening entries: this page is the first rows of the
   * unfiltered list and `total` counts the rows in the file, not yet the entries that open. A
   * page without it (a newer revision) replaces it when the load ends.
   */
  loading?: EntryLoading
}

/** A file to import, as the UI read it (no path: a page names no file on disk). */
export interface ImportInput {
  /** The file's text, or its bytes in base64 (`encoding: 'base64'`, needed for a .1pux). */
  content: string
  encoding?: 'text' | 'base64'
  fileName: string
  /** The format; guessed from the content when absent. */
  format?: ImportFormat
  /** One provider style for every row (else each row's guess). */
  style?: EntryStyle
  /** Styles the user chose for single rows, by the row's `where`; they win over `style`. */
  overrides?: { where: string; style: EntryStyle }[]
  /** A record whose name is taken: skip it (default), add it under a free name, or replace the key. */
  mode?: 'skip' | 'rename' | 'replace'
}

/** One row of the dry-run table; never a key. */
export interface ImportRowView {
  /** Where the record is in the file ("line 3", "item 2"); also the row's id for overrides. */
  where: string
  name: string
  style: EntryStyle
  expiresAt: number | null
  action: 'add' | 'replace' | 'skip'
  /** Why it is skipped, or what else is worth knowing (renamed, a hint not followed). */
  note: string
}

export interface ImportPreview {
  format: ImportFormat | string
  rows: ImportRowView[]
  adds: number
  replaces: number
  skipped: number
}

export interface ImportSummary extends ImportPreview {
  imported: number
  replaced: number
}

export interface ExportFileInput {
  /** `dotenv`: the keys themselves; `references`: kw:// references, safe to commit. */
  format: 'dotenv' | 'references'
  /** Only these entries (all when absent or empty). */
  entryIds?: string[]
}

export interface ExportFileResult {
  fileName: string
  content: string
  count: number
  holdsSecrets: boolean
  /** A sentence to show beside the download. */
  warning: string
}

export interface BackupFileResult {
  fileName: string
  contentBase64: string
  entries: number
}

export interface AuditListInput {
  entryId?: string
  /** Only records from this time on (ms since 1970). */
  since?: number
  action?: string
  /** The newest this many matching records (default 500). */
  limit?: number
}

export type AuditRow = AuditRecord & { entryName: string | null }
/** Every action the audit log records (the audit view's filter lists them). */
export type { AuditAction }

export interface AuditListResult {
  /** Newest first. */
  records: AuditRow[]
  /** How many records match, before the limit. */
  total: number
}

export type AuditVerifyResult = AuditVerification

/** Every call: its input and its output. Names are `<domain>.<verb>`. */
export interface Calls {
  'app.info': { input: void; output: AppInfo }
  'vault.status': { input: void; output: VaultStatus }
  'vault.create': { input: { password: string }; output: VaultStatus }
  /** `acceptOlder`: open a vault older than this machine last saw (a restored backup). */
  'vault.unlock': { input: { password: string; acceptOlder?: boolean }; output: VaultStatus }
  'vault.lock': { input: void; output: VaultStatus }
  'vault.changePassword': {
    input: { oldPassword: string; newPassword: string }
    output: VaultStatus
  }
  'entries.list': { input: void; output: EntrySummary[] }
  'entries.search': { input: { query: string }; output: EntrySummary[] }
  'entries.page': { input: EntryPageInput; output: EntryPage }
  'entries.get': { input: { id: string }; output: EntryDetail }
  'entries.add': { input: { entry: EntryInput }; output: EntrySummary }
  /** `expectedVersion`: the version the form was opened on (a stale change is merged or refused). */
  'entries.update': {
    input: { id: string; patch: EntryPatch; expectedVersion?: number }
    output: EntrySummary
  }
  'entries.remove': { input: { id: string }; output: { removed: true } }
  'entries.reveal': { input: { id: string; field: SecretField }; output: { value: string } }
  'entries.copy': { input: { id: string; field: SecretField }; output: CopyResult }
  'entries.rotate': { input: RotateInput; output: EntrySummary }
  'entries.history': { input: { id: string }; output: HistoryItem[] }
  'entries.revealHistory': {
    input: { id: string; index: number; field: SecretField }
    output: { value: string }
  }
  /** As entries.copy, for a previous credential. */
  'entries.copyHistory': {
    input: { id: string; index: number; field: SecretField }
    output: CopyResult
  }
  'entries.validate': { input: { id: string }; output: { status: ValidationStatus; at: number } }
  'reminders.list': { input: void; output: RemindersSnapshot }
  'reminders.summary': { input: void; output: RemindersSummary }
  'reminders.page': {
    input: { band: ReminderBandId; offset: number; limit: number }
    output: ReminderPage
  }
  'reminders.snooze': { input: { key: string; days: 1 | 7 }; output: RemindersSummary }
  'reminders.dismiss': { input: { key: string }; output: RemindersSummary }
  'keyserver.status': { input: void; output: KeyServerStatus }
  'keyserver.start': { input: { port?: number }; output: KeyServerStatus }
  'keyserver.stop': { input: void; output: KeyServerStatus }
  'keyserver.issue': { input: IssueKeyInput; output: EntrySummary }
  'keyserver.log': { input: { limit?: number }; output: KeyServerLogLine[] }
  'keyserver.namespaces': { input: void; output: KeyServerNamespace[] }
  'keyserver.createNamespace': {
    input: { name: string; seed?: string }
    output: KeyServerNamespace
  }
  /** Drop a namespace's keys, users and counters (keys of the default one: vault entries revoked). */
  'keyserver.resetNamespace': { input: { name: string }; output: KeyServerNamespace }
  /** The default namespace cannot be deleted. */
  'keyserver.deleteNamespace': { input: { name: string }; output: { deleted: string } }
  'keyserver.keys': { input: { namespace?: string }; output: KeyServerKey[] }
  /** Revoke on the server; a vault entry holding the key is marked revoked. */
  'keyserver.revokeKey': { input: KeyServerKeyRef; output: KeyServerKey }
  /** Rotate as the provider does; a vault entry holding the key keeps the new credential. */
  'keyserver.rotateKey': { input: KeyServerKeyRef; output: KeyServerKey }
  /** Similarweb's activation toggle, Userplane's active/disabled. */
  'keyserver.setKeyActive': { input: KeyServerKeyRef & { active: boolean }; output: KeyServerKey }
  'settings.get': { input: void; output: Settings }
  'settings.update': { input: Partial<Settings>; output: Settings }
  /** The dry-run table of an import; writes nothing. */
  'transfer.preview': { input: ImportInput; output: ImportPreview }
  'transfer.import': { input: ImportInput; output: ImportSummary }
  'export.file': { input: ExportFileInput; output: ExportFileResult }
  /** An entry's kw:// reference (holds no secret). */
  'export.reference': { input: { id: string }; output: { reference: string } }
  /** An encrypted backup under its own password; the master password is asked again. */
  'backup.file': { input: { password: string; backupPassword: string }; output: BackupFileResult }
  'audit.list': { input: AuditListInput; output: AuditListResult }
  'audit.verify': { input: void; output: AuditVerifyResult }
}

export type CallName = keyof Calls
export type CallInput<K extends CallName> = Calls[K]['input']
export type CallOutput<K extends CallName> = Calls[K]['output']

/** Events pushed from main to the renderer. */
export interface Events {
  'vault-locked': { reason: 'user' | 'idle' | 'suspend' | 'screen-lock' }
  'vault-unlocked': Record<string, never>
  'entries-changed': Record<string, never>
  'reminders-due': RemindersSummary
  'keyserver-log': KeyServerLogLine
  /** The key server started or stopped (also when it started on its own: issue, rotate, check). */
  'keyserver-status': KeyServerStatus
  /** A notification was clicked: show this entry. */
  'open-entry': { id: string }
}
export type EventName = keyof Events

/** Errors cross the transport as data and are rethrown in the renderer as `KeywardenError`. */
export interface CallError {
  /** Machine-readable: a VaultError code, 'INVALID_INPUT', 'RULE_VIOLATION', 'UNKNOWN_CALL', ... */
  code: string
  /** A sentence for people; never contains a secret. */
  message: string
  /** For 'BACKOFF': how long to wait. */
  retryAfterMs?: number
  /** For 'VAULT_OLDER': when this machine last saw the vault changed, and when the file was. */
  details?: { lastSeenAt: number | null; foundAt: number | null }
  /**
   * For INVALID_INPUT and RULE_VIOLATION: the input the error is about, so a form can show it
   * next to that field: a path into the call's input ("entry.name", "entry.credential.key") or
   * a rule's subject ("credential", "expiresAt", "scope").
   */
  field?: string
}

export type CallResult<K extends CallName> =
  { ok: true; value: CallOutput<K> } | { ok: false; error: CallError }

type Domain<N extends string> = N extends `${infer D}.${string}` ? D : never
type Verb<N extends string, D extends string> = N extends `${D}.${infer V}` ? V : never
type Fn<K extends CallName> =
  CallInput<K> extends void
    ? () => Promise<CallOutput<K>>
    : (input: CallInput<K>) => Promise<CallOutput<K>>

/**
 * The object the renderer calls: `api.vault.unlock({ password })`, `api.entries.list()`, ...
 * Named functions only; no generic invoke (style.md §3).
 */
export type KeywardenApi = {
  [D in Domain<CallName>]: { [V in Verb<CallName, D>]: Fn<`${D}.${V}` & CallName> }
} & {
  /** Subscribe to an event; returns the function that removes exactly this listener. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** Every call name, for the preload and the router to build and check the API at run time. */
export const CALL_NAMES = [
  'app.info',
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.changePassword',
  'entries.list',
  'entries.search',
  'entries.page',
  'entries.get',
  'entries.add',
  'entries.update',
  'entries.remove',
  'entries.reveal',
  'entries.copy',
  'entries.rotate',
  'entries.history',
  'entries.revealHistory',
  'entries.copyHistory',
  'entries.validate',
  'reminders.list',
  'reminders.summary',
  'reminders.page',
  'reminders.snooze',
  'reminders.dismiss',
  'keyserver.status',
  'keyserver.start',
  'keyserver.stop',
  'keyserver.issue',
  'keyserver.log',
  'keyserver.namespaces',
  'keyserver.createNamespace',
  'keyserver.resetNamespace',
  'keyserver.deleteNamespace',
  'keyserver.keys',
  'keyserver.revokeKey',
  'keyserver.rotateKey',
  'keyserver.setKeyActive',
  'settings.get',
  'settings.update',
  'transfer.preview',
  'transfer.import',
  'export.file',
  'export.reference',
  'backup.file',
  'audit.list',
  'audit.verify',
] as const satisfies readonly CallName[]

export const EVENT_NAMES = [
  'vault-locked',
  'vault-unlocked',
  'entries-changed',
  'reminders-due',
  'keyserver-log',
  'keyserver-status',
  'open-entry',
] as const satisfies readonly EventName[]
