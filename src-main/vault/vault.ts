/**
 * The vault: an encrypted SQLite file of API keys. Locked, it answers only clear metadata (what
 * reminders need, clear-index.ts); unlocked, it holds the vault key and a cache of every entry's
 * decrypted descriptive fields (entry-cache.ts), so list and search never touch the cipher. Key
 * material stays sealed in the file and is opened one field at a time, on reveal.
 *
 * Where things happen:
 * - unlock, lock, back-off: session.ts; the integrity check at unlock: integrity.ts + last-seen.ts
 * - every write: `write()` below opens the write transaction, brings the cache up to the file,
 *   runs the entry write (entries.ts, compare-and-set on the version) and commits the integrity
 *   record with it.
 * - the audit log: audit.ts; each write records itself in its transaction, a reveal as it opens.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { looksLikeSqlite } from './file-check'
import { DatabaseFromNewerVersionError, ForeignDatabaseError, openDatabase } from '../db/sqlite'
import { AuditTrail, auditWho, type AuditActor, type AuditEvent, type RevealUse } from './audit'
import { ClearIndex } from './clear-index'
import { cryptoReady, deriveSubkey, kdfParamsProblem, newVaultKey, wipe } from './crypto'
import { EntryCache, fillSearchTextSoon, haystackOf } from './entry-cache'
import { EntryWriter, sealedField, type WriteOptions, type WriteResult } from './entries'
import { EntryHistory } from './history'
import {
  EntryNotFoundError,
  EntryTamperedError,
  InvalidInputError,
  LockedError,
  NewerVersionError,
  NotAVaultError,
  VaultError,
} from './errors'
import { INTEGRITY_RECORD_ID } from './integrity'
import { IntegritySession } from './integrity-session'
import { prewarmKdf } from './kdf'
import { LastSeenRecord, defaultLastSeenFile } from './last-seen'
import { VAULT_MIGRATIONS, VAULT_SCHEMA_VERSION } from './migrations'
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

const UNLOCK_CHUNK = 4096

export interface VaultOpenOptions {
  now?: () => number
  /** Where this machine records the newest state of each vault it opened (last-seen.ts). */
  lastSeenFile?: string
  /** Who the audit log names as acting (default: 'app' under Electron, else 'cli'). */
  actor?: AuditActor
}

/** What exists only while unlocked; dropped (and the keys zeroed) at lock. */
interface Unlocked {
  key: Uint8Array
  macKey: Uint8Array
  cache: EntryCache
  writer: EntryWriter
  history: EntryHistory
  integrity: IntegritySession
}

export class Vault {
  private session: Unlocked | null = null
  private readonly listeners = new Set<VaultChangeListener>()
  private closed = false
  private readonly gate: PasswordGate
  private readonly clear: ClearIndex
  private readonly lastSeen: LastSeenRecord
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
    this.trail = new AuditTrail(store, header0.vault_id, auditWho(actor), now)
    this.readAhead = new RecordReadAhead(store, header0.vault_id, UNLOCK_CHUNK)
    this.gate = new PasswordGate(store, now, () => this.closed)
    this.clear = new ClearIndex(store)
    this.lastSeen = new LastSeenRecord(lastSeenFile)
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
    if (existsSync(path))
      throw new InvalidInputError(`A file already exists at ${path}; choose another path.`)
    const now = options.now ?? Date.now
    const db = openDatabase(path, { migrations: VAULT_MIGRATIONS })
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
      const session = vault.startSession(vaultKey, new EntryCache(store, vaultId, vaultKey))
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
    if (!existsSync(path)) throw new NotAVaultError(path, 'no such file')
    if (!looksLikeSqlite(path)) throw new NotAVaultError(path)
    let db
    try {
      db = openDatabase(path, { migrations: VAULT_MIGRATIONS, create: false })
    } catch (error) {
      if (error instanceof DatabaseFromNewerVersionError)
        throw new NewerVersionError(error.found, VAULT_SCHEMA_VERSION)
      if (error instanceof ForeignDatabaseError)
        throw new NotAVaultError(
          path,
          'it is not a Keywarden vault file but a database of another program (left untouched)',
        )
      throw new NotAVaultError(path)
    }
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
      // ...and read what the unlock will decrypt (ciphertext only) while the user types.
      vault.readAhead.start()
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
   * VaultOlderError unless `acceptOlder` (the user restored a backup).
   */
  async unlock(password: string, options: { acceptOlder?: boolean } = {}): Promise<void> {
    this.assertOpen()
    await cryptoReady()
    const vaultKey = await this.trail.countFailure(this.gate.unwrap(password))
    const cache = new EntryCache(this.store, this.vaultId, vaultKey)
    try {
      cache.load(this.readAhead.drain(), this.store.historyCounts())
      this.lockQuietly()
      this.startSession(vaultKey, cache).integrity.check(cache, options.acceptOlder === true)
      this.trail.unlocked()
    } catch (error) {
      if (this.session?.key === vaultKey) this.lockQuietly()
      else wipe(vaultKey)
      if (!this.closed) this.readAhead.start()
      throw error
    }
    fillSearchTextSoon(this.session?.cache, () => this.session?.cache)
    this.emit('unlocked')
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
    this.write((w, s) => w.remove(id, this.removable(s, id)), 'remove')
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
    if (!this.session) return false
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
    if (this.session.cache.sync()) this.emit('entries')
    return this.session
  }

  /** An unlocked entry as the file has it now (the session is synced on the way). */
  private cached(id: string) {
    if (typeof id !== 'string') throw new InvalidInputError('The entry id must be text.')
    const { cache } = this.fresh()
    const c = cache.get(id)
    if (c) return c
    if (cache.broken.has(id)) throw new EntryTamperedError(id)
    throw new EntryNotFoundError(id)
  }

  /** An entry that exists, open or damaged (the integrity record's placeholder is not one). */
  private removable(s: Unlocked, id: string): boolean {
    if (s.cache.get(id) !== undefined) return true
    return s.cache.broken.has(id) && id !== INTEGRITY_RECORD_ID
  }

  private startSession(key: Uint8Array, cache: EntryCache): Unlocked {
    const macKey = deriveSubkey(key, 'integrity/v1')
    this.trail.start(key)
    const session: Unlocked = {
      key,
      macKey,
      cache,
      integrity: new IntegritySession(this.store, this.vaultId, macKey, this.lastSeen, this.now),
      history: new EntryHistory(this.vaultId, this.store, key),
      writer: new EntryWriter({
        vaultId: this.vaultId,
        store: this.store,
        key,
        cache,
        now: this.now,
        policy: () => this.clear.accountPolicy(),
        historyLimit: () => this.clear.historyLimit(),
      }),
    }
    this.session = session
    return session
  }

  /** Zero the keys and drop the caches; returns whether the vault was unlocked. */
  private lockQuietly(): boolean {
    const s = this.session
    if (!s) return false
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
