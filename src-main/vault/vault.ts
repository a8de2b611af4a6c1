/**
 * The vault: an encrypted SQLite file of API keys. Locked, it answers only clear metadata (what
 * reminders need, clear-index.ts); unlocked, it holds the vault key and a cache of every entry's
 * decrypted descriptive fields (entry-cache.ts), so list and search never touch the cipher. Key
 * material stays sealed in the file and is opened one field at a time, on reveal.
 *
 * Where things happen:
 * - unlock, lock, back-off: session.ts; the integrity check at unlock: integrity.ts + last-seen.ts
 * - a progressive unlock (the app's) opens the entries in the background: unlock-load.ts; its end,
 *   and what an unlocked session holds: unlocked-session.ts
 * - every write: `write()` below opens the write transaction, brings the cache up to the file,
 *   runs the entry write (entries.ts, compare-and-set on the version) and commits the integrity
 *   record with it.
 * - the audit log: audit.ts; each write records itself in its transaction, a reveal as it opens.
 */
import { randomUUID } from 'node:crypto'
import { createVaultDatabase, openVaultDatabase } from './file-check'
import { AuditTrail, auditWho, type AuditActor, type AuditEvent, type RevealUse } from './audit'
import { ClearIndex } from './clear-index'
import { cryptoReady, kdfParamsProblem, newVaultKey, wipe } from './crypto'
import { EntryCache, haystackOf } from './entry-cache'
import { sealedField, type EntryWriter, type WriteOptions, type WriteResult } from './entries'
import { EntryLoad, openedSlice, type LoadProgress } from './unlock-load'
import { newSession, settle, type SessionParts, type Unlocked } from './unlocked-session'
import {
  EntryNotFoundError,
  InvalidInputError,
  LockedError,
  NotAVaultError,
  VaultError,
} from './errors'
import { prewarmKdf } from './kdf'
import { LastSeenRecord, defaultLastSeenFile } from './last-seen'
import { RecordReadAhead } from './read-ahead'
import { PasswordGate, checkPassword, wrapVaultKey } from './session'
import { VaultStore, type HeaderRow } from './store'
import {
  DEFAULT_KDF,
  type Credential,
  type EntryClearMeta,
  type EntryDetail,
  type EntryInput,
  type EntryPatch,
  type EntrySummary,
  type HistoryItem,
  type KdfParams,
  type ReminderStateRow,
  type SecretField,
  type ValidationStatus,
} from './types'

export { backoffDelayMs } from './session'

export type VaultChangeKind = 'locked' | 'unlocked' | 'entries' | 'reminder-state'
export type VaultChangeListener = (event: { kind: VaultChangeKind }) => void

/** Records per chunk read and opened: a progressive unlock blocks for one (~5-10 ms) at a time. */
const UNLOCK_CHUNK = 1024

export interface VaultOpenOptions {
  now?: () => number
  /** Where this machine records the newest state of each vault it opened (last-seen.ts). */
  lastSeenFile?: string
  /** Who the audit log names as acting (default: 'app' under Electron, else 'cli'). */
  actor?: AuditActor
  /** Read the sealed records while locked (default); a one-shot command gains only memory. */
  readAhead?: boolean
}

export class Vault {
  private session: Unlocked | null = null
  private readonly listeners = new Set<VaultChangeListener>()
  private closed = false
  private readonly gate: PasswordGate
  private readonly clear: ClearIndex
  /** What each unlock's session is made from (unlocked-session.ts). */
  private readonly parts: SessionParts
  /** The sealed records, read while the vault waits locked for its password. */
  private readonly readAhead: RecordReadAhead
  private readonly trail: AuditTrail

  private constructor(
    readonly path: string,
    private readonly store: VaultStore,
    private readonly header0: HeaderRow,
    private readonly now: () => number,
    lastSeenFile: string,
    actor?: AuditActor,
  ) {
    const vaultId = header0.vault_id
    const trail = (this.trail = new AuditTrail(store, vaultId, auditWho(actor), now))
    this.readAhead = new RecordReadAhead(store, vaultId, UNLOCK_CHUNK)
    this.gate = new PasswordGate(store, now, () => this.closed)
    const clear = (this.clear = new ClearIndex(store))
    this.parts = { vaultId, store, trail, clear, lastSeen: new LastSeenRecord(lastSeenFile), now }
  }

  /** Create a new vault file at `path`, protected by `password`; returns it unlocked. */
  static async create(
    path: string,
    password: string,
    options: VaultOpenOptions & { kdf?: KdfParams } = {},
  ): Promise<Vault> {
    await cryptoReady()
    checkPassword(password)
    const kdf = options.kdf ?? DEFAULT_KDF
    const problem = kdfParamsProblem(kdf)
    if (problem) throw new InvalidInputError(problem)
    const now = options.now ?? Date.now
    const db = createVaultDatabase(path)
    try {
      const store = new VaultStore(db)
      const vaultId = randomUUID()
      const vaultKey = newVaultKey()
      const wrapped = await wrapVaultKey(vaultId, vaultKey, password, kdf)
      store.insertHeader({ vault_id: vaultId, created_at: now(), ...wrapped })
      const vault = new Vault(
        path,
        store,
        store.header() as HeaderRow,
        now,
        options.lastSeenFile ?? defaultLastSeenFile(),
        options.actor,
      )
      const cache = new EntryCache(store, vaultId, vaultKey)
      const session = (vault.session = newSession(vault.parts, vaultKey, cache, false, null))
      vault.trail.created()
      session.integrity.check(session.cache, false)
      session.integrity.committed()
      return vault
    } catch (error) {
      db.close()
      throw error
    }
  }

  /** Open an existing vault file, locked. Throws NotAVaultError or NewerVersionError. */
  static open(path: string, options: VaultOpenOptions = {}): Vault {
    const db = openVaultDatabase(path)
    try {
      const store = new VaultStore(db)
      const header = store.header()
      if (!header) throw new NotAVaultError(path)
      // A locked vault is about to be unlocked: start the KDF worker now, not at the prompt.
      prewarmKdf()
      const vault = new Vault(
        path,
        store,
        header,
        options.now ?? Date.now,
        options.lastSeenFile ?? defaultLastSeenFile(),
        options.actor,
      )
      // ...and load libsodium and read what the unlock will decrypt (ciphertext only) while the
      // user types. A one-shot command (readAhead: false) waits until the key is derived.
      if (options.readAhead !== false) {
        cryptoReady().catch(() => undefined)
        vault.readAhead.start()
      }
      return vault
    } catch (error) {
      db.close()
      if (error instanceof VaultError) throw error
      throw new NotAVaultError(path)
    }
  }

  get vaultId(): string {
    return this.header0.vault_id
  }

  get isUnlocked(): boolean {
    return this.session !== null
  }

  /** How long until the next password try is allowed (0 when it is now); works while locked. */
  retryAfterMs(): number {
    this.assertOpen()
    return this.gate.retryAfterMs()
  }

  /**
   * Check the password, open every entry's descriptive fields into memory and check the vault's
   * integrity record. A file older than the newest this machine saw is refused with
   * VaultOlderError unless `acceptOlder` (the user restored a backup). `progressive` returns once
   * the first entries are open and opens the rest in the background (unlock-load.ts).
   */
  async unlock(
    password: string,
    options: { acceptOlder?: boolean; progressive?: boolean } = {},
  ): Promise<void> {
    this.assertOpen()
    const vaultKey = await this.trail.countFailure(this.gate.unwrap(password))
    const cache = new EntryCache(this.store, this.vaultId, vaultKey)
    const load = new EntryLoad(cache, this.readAhead.drain(), this.store)
    try {
      if (options.progressive) load.step()
      else load.finish()
      this.lockQuietly()
      const s = newSession(this.parts, vaultKey, cache, options.acceptOlder === true, load)
      this.session = s
      // The refusal of an older file needs no rows: it never waits for the load.
      if (options.progressive) s.integrity.precheck(s.acceptOlder)
      else this.settle(s, true)
      this.trail.unlocked()
    } catch (error) {
      load.dispose()
      if (this.session?.key === vaultKey) this.lockQuietly()
      else wipe(vaultKey)
      if (!this.closed) this.readAhead.start()
      throw error
    }
    const s = this.session as Unlocked
    s.loading?.inBackground(
      () => this.session === s,
      () => this.settle(s),
    )
    this.emit('unlocked')
  }

  /** While a progressive unlock is still opening entries: how far it got; else null. */
  loadProgress(): LoadProgress | null {
    const load = this.session?.loading
    return load && load.failure === null ? load.progress() : null
  }

  /**
   * While a progressive unlock is still opening entries, the list's summaries at [offset, offset
   * + limit) (oldest first) once they are open, else null (then `list` finishes the load).
   */
  openedSlice(offset: number, limit: number): EntrySummary[] | null {
    const s = this.session
    return s?.loading ? openedSlice(s.cache, s.loading, offset, limit) : null
  }

  /** Zero the vault key and drop every decrypted cache. */
  lock(): void {
    const wasUnlocked = this.lockQuietly()
    if (wasUnlocked) {
      // A vault locked but still open will be unlocked again: get ready as at open.
      if (!this.closed) {
        prewarmKdf()
        this.readAhead.start()
      }
      this.emit('locked')
    }
  }

  /**
   * Re-wrap the vault key under a new password, in one transaction; entries are untouched.
   * `options.kdf` also moves the vault to new Argon2id parameters (e.g. stronger defaults).
   */
  async changePassword(
    oldPassword: string,
    newPassword: string,
    options: { kdf?: KdfParams } = {},
  ): Promise<void> {
    this.assertOpen()
    await cryptoReady()
    checkPassword(newPassword)
    if (options.kdf) {
      const problem = kdfParamsProblem(options.kdf)
      if (problem) throw new InvalidInputError(problem)
    }
    const vaultKey = await this.gate.unwrap(oldPassword)
    try {
      const header = this.store.header() as HeaderRow
      const params = options.kdf ?? { opsLimit: header.kdf_ops, memLimitBytes: header.kdf_mem }
      const wrapped = await wrapVaultKey(this.vaultId, vaultKey, newPassword, params)
      this.store.transaction(() => this.store.rewrap(wrapped))
    } finally {
      wipe(vaultKey)
    }
  }

  /** Add one entry (provider rules applied). */
  add(input: EntryInput): EntrySummary {
    return this.addMany([input])[0]
  }

  /** Add many entries in one transaction, all or none; the audit log says `as` ('import'). */
  addMany(inputs: readonly EntryInput[], as: 'add' | 'import' = 'add'): EntrySummary[] {
    if (!Array.isArray(inputs)) throw new InvalidInputError('The entries must be a list.')
    return this.write((w) => w.add(inputs), as === 'import' ? 'import' : 'add')
  }

  /**
   * An import in one transaction, all or nothing: add `inputs` and rotate the keys of existing
   * entries (`rotations`, each entry once). `onProgress` hears how many were added so far.
   */
  importEntries(
    inputs: readonly EntryInput[],
    rotations: readonly { id: string; credential: Credential; expiresAt?: number | null }[] = [],
    onProgress?: (added: number) => void,
  ): EntrySummary[] {
    if (!Array.isArray(inputs) || !Array.isArray(rotations))
      throw new InvalidInputError('The entries must be a list.')
    return this.write((w) => {
      const result = w.add(inputs, onProgress)
      for (const r of rotations) result.put.push(...w.rotate(r.id, r).put)
      return result
    }, 'import')
  }

  /**
   * Write a consistent copy of the vault file to `path` (absent or empty): the sealed rows, their
   * history, reminder state and settings, under the same vault key (backup.ts re-wraps it).
   */
  copyFileTo(path: string): void {
    this.assertOpen()
    if (this.session) this.trail.record({ action: 'backup' }, () => false)
    this.store.copyTo(path)
  }

  /**
   * Change an entry's descriptive fields, status, expiry or rotation policy. With
   * `expectedVersion` (the version a form was opened on) a stale change is merged field by field,
   * or refused with ChangedElsewhereError.
   */
  update(id: string, patch: EntryPatch, options: WriteOptions = {}): EntrySummary {
    return this.write((w) => w.update(id, patch, options), 'edit')[0]
  }

  /** Replace an entry's credential; the previous one is kept, encrypted, in its history. */
  rotate(
    id: string,
    next: { credential: Credential; expiresAt?: number | null; rotatedAt?: number },
    options: WriteOptions = {},
  ): EntrySummary {
    return this.write((w) => w.rotate(id, next, options), 'rotate')[0]
  }

  /** Delete an entry with its history and reminder bookkeeping (a damaged one too). */
  remove(id: string): void {
    this.write((w, s) => w.remove(id, s.cache.exists(id)), 'remove')
  }

  /** One entry with a masked view of its key. */
  get(id: string): EntryDetail {
    const c = this.cached(id)
    return { ...c.summary, keyMask: c.keyMask }
  }

  /** Every entry that opened, oldest first (no secrets). */
  list(): EntrySummary[] {
    const { cache } = this.fresh()
    const out: EntrySummary[] = new Array(cache.entries.size)
    let i = 0
    for (const c of cache.entries.values()) out[i++] = c.summary
    return out
  }

  /** Case-insensitive substring search over name, environment, owner, notes, tags and provider. */
  search(query: string): EntrySummary[] {
    const { cache } = this.fresh()
    if (typeof query !== 'string') throw new InvalidInputError('The search must be text.')
    const q = query.trim().toLowerCase()
    if (q === '') return this.list()
    // A plain scan: measured at 100k entries it takes 6-12 ms whatever the query.
    const out: EntrySummary[] = []
    for (const c of cache.entries.values())
      if ((c.haystack ??= haystackOf(c.summary)).includes(q)) out.push(c.summary)
    return out
  }

  /** Decrypt one secret field of an entry; the audit log records it (`use`: what for). */
  reveal(id: string, field: SecretField, use: RevealUse = {}): string {
    const c = this.cached(id)
    const { writer } = this.session as Unlocked // cached() brought it up to the file
    const row = this.store.keyOf(id)
    if (!row) throw new EntryNotFoundError(id)
    const plain = writer.openField(id, field, c.summary.version, sealedField(row, field))
    const text = Buffer.from(plain).toString('utf8')
    wipe(plain)
    this.trail.revealed(id, field, use)
    return text
  }

  /** The previous credentials of an entry, newest first (masked; no old key is opened). */
  history(id: string): HistoryItem[] {
    const c = this.cached(id)
    return (this.session as Unlocked).history
      .masks(c)
      .map((h, index) => ({ index, rotatedAt: h.rotatedAt, keyMask: h.keyMask }))
  }

  /** Decrypt a field of a previous credential (`index` as `history` numbers them). */
  revealHistory(id: string, index: number, field: SecretField, use: RevealUse = {}): string {
    const c = this.cached(id)
    const text = (this.session as Unlocked).history.reveal(c, index, field)
    this.trail.revealed(id, field, use, index)
    return text
  }

  /** Record an event the vault cannot see itself (run, inject, export, backup, restore). */
  audit(event: AuditEvent): void {
    const s = this.fresh()
    this.trail.record(event, (id) => s.cache.get(id) !== undefined || s.cache.broken.has(id))
  }

  /** The audit log (audit.ts): `verify` walks the chain and names the first broken link. */
  auditLog(): { list: AuditTrail['list']; verify: () => ReturnType<AuditTrail['verify']> } {
    const s = this.fresh()
    return { list: (filter) => this.trail.list(filter), verify: () => this.trail.verify(s.macKey) }
  }

  /** Entries that failed to open, were rolled back or deleted outside Keywarden, with the reason. */
  damaged(): { id: string; reason: string }[] {
    const { cache } = this.fresh()
    return [...cache.broken].map(([id, reason]) => ({ id, reason }))
  }

  /**
   * Bring the unlocked view up to the file after another process committed (the CLI while the
   * app is open). Returns whether anything changed; emits 'entries' then. Cheap when nothing did.
   */
  refresh(): boolean {
    this.assertOpen()
    // While a progressive unlock loads, its end brings the cache up to the file.
    if (!this.session || this.session.loading) return false
    const changed = this.session.cache.sync()
    if (changed) this.emit('entries')
    return changed
  }

  /** Clear metadata of every entry; works while locked (reminders). */
  clearMetadata(): EntryClearMeta[] {
    this.assertOpen()
    return this.clear.clearMetadata()
  }

  /** Store the last validation result of an entry (clear; works while locked). */
  recordValidation(id: string, status: ValidationStatus, at: number): void {
    this.assertOpen()
    if (this.session) this.settle(this.session)
    this.clear.recordValidation(id, status, at)
    if (this.session) {
      this.session.cache.patchSummary(id, { lastCheck: { status, at } })
      this.session.cache.markSynced()
    }
    this.emit('entries')
  }

  /**
   * A stamp that moves whenever entries or reminder rows change, in this process or another:
   * lets a reader keep what it derived from them without reading them again (cheap, no rows).
   */
  reminderStamp(): string {
    this.assertOpen()
    return this.store.remindersStamp()
  }

  /** Reminder bookkeeping rows (clear; works while locked). */
  reminderState(): ReminderStateRow[] {
    this.assertOpen()
    return this.clear.reminderState()
  }

  /** Insert or replace one reminder bookkeeping row. */
  putReminderState(row: ReminderStateRow): void {
    this.putReminderStates([row])
  }

  /** Insert or replace many reminder rows in one transaction (one fsync, one change event). */
  putReminderStates(rows: readonly ReminderStateRow[]): void {
    this.assertOpen()
    if (Array.isArray(rows) && rows.length === 0) return
    this.clear.putReminderStates(rows)
    this.emit('reminder-state')
  }

  /** A clear JSON setting ('historyLimit', 'accountPolicy', reminder thresholds ...). */
  getSetting<T>(key: string): T | undefined {
    this.assertOpen()
    return this.clear.getSetting<T>(key)
  }

  /** Store a clear JSON setting. Settings are not secret: never put a key in one. */
  setSetting(key: string, value: unknown): void {
    this.assertOpen()
    this.clear.setSetting(key, value)
  }

  /** Subscribe to committed changes; returns the unsubscribe function. */
  onChange(listener: VaultChangeListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Lock and close the file. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.lock()
    this.readAhead.stop()
    this.clear.forget()
    this.listeners.clear()
    this.store.db.close()
  }

  // ---- internals ----

  private assertOpen(): void {
    if (this.closed) throw new InvalidInputError('The vault is closed.')
  }

  /** The unlocked session, brought up to the file (another process may have committed). */
  private fresh(): Unlocked {
    this.assertOpen()
    if (!this.session) throw new LockedError()
    this.settle(this.session)
    if (this.session.cache.sync()) this.emit('entries')
    return this.session
  }

  /**
   * Finish a progressive unlock's load now (unlocked-session.ts); throws if it failed. Listeners
   * hear once that the entry set is whole (or failed), unless `quiet` (a plain unlock).
   */
  private settle(s: Unlocked, quiet = false): void {
    settle(
      s,
      this.store,
      () => this.session?.cache,
      () => {
        if (!quiet && this.session === s) this.emit('entries')
      },
    )
  }

  /** An unlocked entry as the file has it now (the session is synced on the way). */
  private cached(id: string) {
    if (typeof id !== 'string') throw new InvalidInputError('The entry id must be text.')
    return this.fresh().cache.require(id)
  }

  /** Zero the keys and drop the caches; returns whether the vault was unlocked. */
  private lockQuietly(): boolean {
    const s = this.session
    if (!s) return false
    s.loading?.dispose()
    wipe(s.key)
    wipe(s.macKey)
    this.trail.stop()
    this.session = null
    return true
  }

  /**
   * Run an entry write: take the write lock, bring the cache and manifest up to the file, write,
   * commit the integrity record in the same transaction; then update the cache and tell listeners.
   */
  private write(
    fn: (writer: EntryWriter, session: Unlocked) => WriteResult,
    action: 'add' | 'edit' | 'rotate' | 'remove' | 'import',
  ): EntrySummary[] {
    this.assertOpen()
    const s = this.session
    if (!s) throw new LockedError()
    this.settle(s)
    let result: WriteResult = { put: [], removed: [] }
    let otherCommitted = false
    try {
      this.store.writeTransaction(() => {
        otherCommitted = s.cache.sync()
        s.integrity.syncFromFile(s.cache)
        result = fn(s.writer, s)
        this.trail.wrote(action, result)
        const put = result.put.map((p) => ({ id: p.row.id, version: p.row.version }))
        s.integrity.commitChanges(put, result.removed, s.cache)
      })
    } catch (error) {
      s.integrity.rolledBack()
      throw error
    }
    const out = result.put.map((p) => s.cache.put(p.row, p.meta, p.historyCount))
    for (const id of result.removed) s.cache.delete(id)
    s.cache.markSynced()
    s.integrity.committed()
    if (out.length > 0 || result.removed.length > 0 || otherCommitted) this.emit('entries')
    return out
  }

  private emit(kind: VaultChangeKind): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ kind })
      } catch {
        // A failing listener must not undo or hide a committed change.
      }
    }
  }
}
