/**
 * The application core both transports call: one vault file, the key server, the reminders
 * and the settings of one data folder, plus the event bus that carries the contract's events.
 * The router validates input before anything here runs; this class assumes well-formed input.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type {
  AppInfo,
  AppMode,
  AuditListInput,
  AuditListResult,
  AuditVerifyResult,
  BackupFileResult,
  ExportFileInput,
  ExportFileResult,
  ImportInput,
  ImportPreview,
  ImportSummary,
  CopyResult,
  EntryDetail,
  EntryInput,
  EntryPage,
  EntryPageInput,
  EntryPatch,
  EntrySummary,
  HistoryItem,
  IssueKeyInput,
  KeyServerLogLine,
  KeyServerStatus,
  RemindersSnapshot,
  RemindersSummary,
  RotateInput,
  SecretField,
  Settings,
  ValidationStatus,
  VaultStatus,
} from '../ipc/contract'
import { STYLE_RULES, isServerStyle } from '../providers'
import { Vault } from '../vault'
import type { Credential, KdfParams } from '../vault/types'
import { EntryPager, pageWhileLoading } from './entry-pages'
import { AppError } from './errors'
import { EventBus } from './events'
import { KeyServerControl } from './keyserver'
import { KeyServerKeys } from './keyserver-keys'
import { RemindersService } from './reminders'
import { readSettings, writeSettings } from './settings'
import * as transfer from './transfer'

/** Small Argon2 parameters for tests only (KEYWARDEN_TEST_KDF=fast); users always get the default. */
export const FAST_TEST_KDF: KdfParams = { opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 }

export interface AppServicesOptions {
  dataDir: string
  mode: AppMode
  version?: string
  /** Injectable clock (ms since the epoch). */
  now?: () => number
  /** KDF parameters for new vaults; default: the vault's own default (or the fast test KDF when asked). */
  kdf?: KdfParams
  /**
   * Desktop mode: put a value on the clipboard from main and clear it later. Absent in browser
   * mode, where only the page can reach the clipboard.
   */
  clipboard?: (value: string, clearAfterMs: number) => void
}

export type LockReason = 'user' | 'idle' | 'suspend' | 'screen-lock'

/** The KDF for new vaults: an explicit option, else the fast test setting when the env asks. */
export function kdfFromEnv(env: NodeJS.ProcessEnv = process.env): KdfParams | undefined {
  return env.KEYWARDEN_TEST_KDF === 'fast' ? FAST_TEST_KDF : undefined
}

/** How often an unlocked app looks for commits by other processes (the CLI). */
const OTHER_PROCESS_POLL_MS = 1500

export class AppServices {
  readonly events = new EventBus()
  readonly dataDir: string
  readonly vaultPath: string
  readonly mode: AppMode
  readonly now: () => number
  private readonly version: string
  private readonly kdf: KdfParams | undefined
  private readonly clipboard: AppServicesOptions['clipboard']
  private vault: Vault | null = null
  private otherProcessTimer: NodeJS.Timeout | null = null
  private unsubscribeVault: (() => void) | null = null
  private readonly keyserver: KeyServerControl
  /** The key server view's calls: namespaces and issued keys (see keyserver-keys.ts). */
  readonly keyserverKeys: KeyServerKeys
  readonly reminders: RemindersService
  private closed = false
  private readonly pager = new EntryPager()
  /** Bumped whenever the set of entries a page could show changes (see entries.page). */
  private entriesRevision = 0

  constructor(options: AppServicesOptions) {
    this.dataDir = options.dataDir
    this.vaultPath = join(options.dataDir, 'vault.kwdb')
    this.mode = options.mode
    this.version = options.version ?? '0.1.0'
    this.now = options.now ?? Date.now
    this.kdf = options.kdf ?? kdfFromEnv()
    this.clipboard = options.clipboard
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    this.keyserver = new KeyServerControl(
      this.dataDir,
      (line) => this.events.emit('keyserver-log', line),
      this.now,
      (status) => this.events.emit('keyserver-status', status),
    )
    this.keyserverKeys = new KeyServerKeys({
      control: this.keyserver,
      vault: () => (this.vault?.isUnlocked ? this.vault : null),
      vaultLocked: () => existsSync(this.vaultPath) && this.vault?.isUnlocked !== true,
      rotateEntry: (id) => this.rotate({ id }),
    })
    this.reminders = new RemindersService({
      now: this.now,
      vault: () => this.openVault(),
      onDue: (snapshot) => this.events.emit('reminders-due', snapshot),
      bundledKeyServer: () => this.keyserver.currentUrl(),
    })
  }

  /** Open the vault file if it exists (locked), keeping one handle for the life of the app. */
  private openVault(): Vault | null {
    if (this.vault) return this.vault
    if (!existsSync(this.vaultPath)) return null
    this.attach(Vault.open(this.vaultPath, { now: this.now, actor: this.auditActor() }))
    return this.vault
  }

  private attach(vault: Vault): void {
    this.vault = vault
    this.unsubscribeVault = vault.onChange((event) => {
      // Lock and unlock are announced by this class with their reason; the rest is forwarded.
      if (event.kind === 'entries') {
        this.entriesChanged()
        this.events.emit('entries-changed', {})
      }
      if (event.kind === 'entries' || event.kind === 'reminder-state') this.reminders.refresh()
    })
  }

  /** Who the vault's audit log names as acting through this core. */
  private auditActor(): 'app' | 'browser' {
    return this.mode === 'browser' ? 'browser' : 'app'
  }

  /** The entry set changed (or became readable or unreadable): every kept page is stale. */
  private entriesChanged(): void {
    this.entriesRevision++
    this.pager.clear()
  }

  private existing(): Vault {
    const vault = this.openVault()
    if (!vault) throw new AppError('NO_VAULT', 'There is no vault yet. Create one first.')
    return vault
  }

  private unlocked(): Vault {
    const vault = this.existing()
    if (!vault.isUnlocked)
      throw new AppError(
        'LOCKED',
        'The vault is locked. Unlock it with your master password first.',
      )
    return vault
  }

  /** Start the background parts (the reminders scheduler). */
  start(): void {
    this.reminders.start()
  }

  info(): AppInfo {
    return {
      mode: this.mode,
      version: this.version,
      platform: process.platform,
      dataDir: this.dataDir,
    }
  }

  // ---- vault lifecycle ----

  vaultStatus(): VaultStatus {
    let vault: Vault | null = null
    try {
      vault = this.openVault()
    } catch {
      // A damaged or newer file: it exists but cannot be opened; unlock reports why.
    }
    // The wrong-password wait lives in the vault file, so it survives a restart of the app.
    const retryAfterMs = vault?.retryAfterMs() ?? 0
    // While the unlock opens entries in the background, the damaged ones are not known yet.
    const loading = vault?.loadProgress() ?? null
    return {
      exists: existsSync(this.vaultPath),
      unlocked: vault?.isUnlocked ?? false,
      path: this.vaultPath,
      retryAfterMs,
      damaged: vault?.isUnlocked && !loading ? vault.damaged() : [],
      ...(loading ? { loading } : {}),
    }
  }

  async createVault(password: string): Promise<VaultStatus> {
    if (existsSync(this.vaultPath))
      throw new AppError('VAULT_EXISTS', 'A vault already exists here; unlock it instead.')
    const vault = await Vault.create(this.vaultPath, password, {
      now: this.now,
      actor: this.auditActor(),
      ...(this.kdf ? { kdf: this.kdf } : {}),
    })
    this.attach(vault)
    this.entriesChanged()
    this.events.emit('vault-unlocked', {})
    this.reminders.refresh()
    return this.vaultStatus()
  }

  /** Unlock; `acceptOlder` opens a vault older than this machine last saw (a restored backup). */
  async unlock(password: string, options: { acceptOlder?: boolean } = {}): Promise<VaultStatus> {
    const vault = this.existing()
    if (vault.isUnlocked) return this.vaultStatus()
    // Progressive: the first rows show while the rest open (entry-pages.ts pageWhileLoading).
    await vault.unlock(password, { ...options, progressive: true })
    this.watchOtherProcesses()
    this.entriesChanged()
    this.events.emit('vault-unlocked', {})
    this.reminders.refresh()
    return this.vaultStatus()
  }

  /** Lock (zeroes the vault key in the vault) and tell every listener why. */
  lock(reason: LockReason = 'user'): VaultStatus {
    const vault = this.vault
    if (vault?.isUnlocked) {
      vault.lock()
      this.entriesChanged()
      this.events.emit('vault-locked', { reason })
      this.reminders.refresh()
    }
    return this.vaultStatus()
  }

  get isUnlocked(): boolean {
    return this.vault?.isUnlocked ?? false
  }

  async changePassword(oldPassword: string, newPassword: string): Promise<VaultStatus> {
    await this.unlocked().changePassword(oldPassword, newPassword)
    return this.vaultStatus()
  }

  // ---- entries ----

  list(): EntrySummary[] {
    return this.unlocked().list()
  }

  search(query: string): EntrySummary[] {
    return this.unlocked().search(query)
  }

  /** One page of the filtered, sorted list, with the entry-set revision it was cut from. */
  page(input: EntryPageInput): EntryPage {
    const vault = this.unlocked()
    const early = pageWhileLoading(vault, input, this.entriesRevision)
    if (early) return early
    return this.pager.page(vault, input, this.entriesRevision, this.now())
  }

  get(id: string): EntryDetail {
    return this.unlocked().get(id)
  }

  add(entry: EntryInput): EntrySummary {
    return this.unlocked().add(entry)
  }

  update(id: string, patch: EntryPatch, expectedVersion?: number): EntrySummary {
    return this.unlocked().update(id, patch, { expectedVersion })
  }

  remove(id: string): { removed: true } {
    this.unlocked().remove(id)
    return { removed: true }
  }

  reveal(id: string, field: SecretField): { value: string } {
    return { value: this.unlocked().reveal(id, field) }
  }

  /** Desktop: main copies and clears; browser: the page gets the one value and clears it. */
  copy(id: string, field: SecretField): CopyResult {
    return this.toClipboard(this.unlocked().reveal(id, field, { as: 'copy' }))
  }

  /** As `copy`, for a field of a previous credential. */
  copyHistory(id: string, index: number, field: SecretField): CopyResult {
    return this.toClipboard(this.unlocked().revealHistory(id, index, field, { as: 'copy' }))
  }

  private toClipboard(value: string): CopyResult {
    const clearAfterMs = this.settings().clipboardClearSeconds * 1000
    if (this.clipboard) {
      this.clipboard(value, clearAfterMs)
      return { copiedBy: 'main', clearAfterMs }
    }
    return { copiedBy: 'renderer', value, clearAfterMs }
  }

  history(id: string): HistoryItem[] {
    return this.unlocked().history(id)
  }

  /** Decrypt a field of a previous credential (`index` as `history` numbers them). */
  revealHistory(id: string, index: number, field: SecretField): { value: string } {
    return { value: this.unlocked().revealHistory(id, index, field) }
  }

  /**
   * Rotate: with a credential, keep it (the old one goes to history). Without one, a key the
   * local key server issued rotates there first and the vault keeps the server's new credential.
   */
  async rotate(input: RotateInput): Promise<EntrySummary> {
    const vault = this.unlocked()
    const options = { expectedVersion: input.expectedVersion }
    if (input.credential)
      return vault.rotate(
        input.id,
        {
          credential: this.fullCredential(vault, input.id, input.credential),
          ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
        },
        options,
      )
    const entry = vault.get(input.id)
    if (entry.origin !== 'keyserver' || !entry.serverKeyId || !isServerStyle(entry.style))
      throw new AppError(
        'INVALID_INPUT',
        'Give the new credential from the provider: only keys issued by the local key server rotate by themselves.',
      )
    // The server is told how long the new key lives (its API takes days), counted from now.
    const lifetimeMs =
      typeof input.expiresAt === 'number' ? input.expiresAt - this.now() : undefined
    const issued = await this.keyserver.rotate(entry.serverKeyId, entry.style, lifetimeMs)
    return vault.rotate(
      input.id,
      {
        credential: issued.credential,
        expiresAt: input.expiresAt !== undefined ? input.expiresAt : issued.expiresAt,
      },
      options,
    )
  }

  /**
   * The credential a rotation stores. BlazeMeter regenerates a secret for the same key id, so a
   * form may send only the new secret: the id is taken from the entry, in main, never shown.
   */
  private fullCredential(
    vault: Vault,
    id: string,
    given: { key?: string; secret?: string },
  ): Credential {
    if (given.key !== undefined)
      return given.secret === undefined
        ? { key: given.key }
        : { key: given.key, secret: given.secret }
    if (vault.get(id).style !== 'blazemeter' || given.secret === undefined)
      throw new AppError('INVALID_INPUT', 'The new key is required.')
    return { key: vault.reveal(id, 'key'), secret: given.secret }
  }

  /**
   * While unlocked, look for commits by other processes (the CLI) every couple of seconds, so
   * views refresh. A PRAGMA when nothing changed; unref'd, it never keeps the process alive.
   */
  private watchOtherProcesses(): void {
    if (this.otherProcessTimer) return
    this.otherProcessTimer = setInterval(() => {
      const vault = this.vault
      if (!vault?.isUnlocked) return
      try {
        vault.refresh()
      } catch {
        // A failed look is retried at the next tick; the vault reports damage at use.
      }
    }, OTHER_PROCESS_POLL_MS)
    this.otherProcessTimer.unref()
  }

  async validate(id: string): Promise<{ status: ValidationStatus; at: number }> {
    const vault = this.unlocked()
    vault.get(id) // a missing entry is reported as such before any network call
    return this.reminders.validate(vault, id)
  }

  // ---- reminders ----

  remindersSnapshot(): RemindersSnapshot {
    return this.reminders.snapshot()
  }

  snooze(key: string, days: 1 | 7): RemindersSummary {
    return this.reminders.snooze(key, days)
  }

  dismiss(key: string): RemindersSummary {
    return this.reminders.dismiss(key)
  }

  // ---- key server ----

  keyserverStatus(): KeyServerStatus {
    return this.keyserver.status()
  }

  startKeyserver(port?: number): Promise<KeyServerStatus> {
    return this.keyserver.start(port)
  }

  stopKeyserver(): Promise<KeyServerStatus> {
    return this.keyserver.stop()
  }

  keyserverLog(limit?: number): KeyServerLogLine[] {
    return this.keyserver.log(limit)
  }

  /**
   * Issue a key on the local key server and keep it in the vault. If the vault refuses it (a
   * rule, a lock in between), the key is revoked on the server so no orphan stays live.
   */
  async issue(input: IssueKeyInput): Promise<EntrySummary> {
    this.unlocked() // fail before issuing anything
    const { style, name, owner, expiresInDays, level, projectId, apiType, environment, tags } =
      input
    const issued = await this.keyserver.issue({
      style,
      name,
      owner,
      expiresInDays,
      level,
      projectId,
      apiType,
    })
    try {
      return this.unlocked().add({
        style,
        name,
        credential: issued.credential,
        scope: {
          ...(owner !== undefined ? { account: owner } : {}),
          ...(level !== undefined ? { level } : {}),
          ...(projectId !== undefined ? { projectId } : {}),
          ...(apiType !== undefined ? { apiType } : {}),
        },
        ...(environment !== undefined ? { environment } : {}),
        ...(tags !== undefined ? { tags } : {}),
        baseUrl: this.keyserver.baseUrl(STYLE_RULES[style].serverPrefix),
        expiresAt: issued.expiresAt,
        origin: 'keyserver',
        serverKeyId: issued.id,
      })
    } catch (error) {
      await this.keyserver.revoke(issued.id).catch(() => undefined)
      throw error
    }
  }

  // ---- import, export, backup, audit (transfer.ts) ----

  previewImport(input: ImportInput): ImportPreview {
    return transfer.previewImport(this.unlocked(), input, this.now())
  }

  importFile(input: ImportInput): ImportSummary {
    return transfer.runImport(this.unlocked(), input, this.now())
  }

  exportFile(input: ExportFileInput): ExportFileResult {
    return transfer.exportFile(this.unlocked(), input)
  }

  entryReference(id: string): { reference: string } {
    return transfer.entryReference(this.unlocked(), id)
  }

  /** The master password is asked again: the copy's key is re-wrapped from it (a wrong one fails). */
  async backupFile(password: string, backupPassword: string): Promise<BackupFileResult> {
    return transfer.backupFile(
      this.unlocked(),
      { current: password, backup: backupPassword },
      this.now(),
    )
  }

  auditList(input: AuditListInput): AuditListResult {
    return transfer.auditList(this.unlocked(), input)
  }

  auditVerify(): AuditVerifyResult {
    return transfer.auditVerify(this.unlocked())
  }

  // ---- settings ----

  settings(): Settings {
    let vault: Vault | null = null
    try {
      vault = this.openVault()
    } catch {
      // Unreadable vault file: the defaults apply.
    }
    return readSettings(vault)
  }

  updateSettings(patch: Partial<Settings>): Settings {
    // Unlocked only: a locked vault's auto-lock or reminders cannot be changed without the password.
    this.existing()
    const settings = writeSettings(this.unlocked(), patch)
    this.reminders.refresh()
    return settings
  }

  /** Stop everything: lock the vault (zeroing its key), stop the key server, close files. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.reminders.stop()
    if (this.otherProcessTimer) clearInterval(this.otherProcessTimer)
    this.lock('user')
    await this.keyserver.stop().catch(() => undefined)
    this.unsubscribeVault?.()
    this.vault?.close()
    this.vault = null
  }
}
