/**
 * The vault: an encrypted SQLite file of API keys. Locked, it answers only clear metadata
 * (what reminders need); unlocked, it holds the vault key and a cache of every entry's
 * decrypted descriptive fields, so list and search never touch the disk or the cipher. Key
 * material stays sealed in the file and is opened one field at a time, on reveal.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs'
import { DatabaseFromNewerVersionError, ForeignDatabaseError, openDatabase } from '../db/sqlite'
import {
  BLAZEMETER_EXPIRY_CAPS,
  STYLE_RULES,
  findRuleViolation,
  maskKey,
  type AccountPolicy,
  type KeyFacts,
} from '../providers'
import { nextTurn } from './next-turn'
import { RecordReadAhead } from './read-ahead'
import { boundText, decodeMetaText, encodeMeta, type BoundClear, type EntryMeta } from './codec'
import {
  BulkOpener,
  SALT_BYTES,
  associatedData,
  associatedText,
  cryptoReady,
  kdfParamsProblem,
  newVaultKey,
  open,
  randomBytes,
  seal,
  wipe,
} from './crypto'
import {
  BackoffError,
  EntryNotFoundError,
  EntryTamperedError,
  InvalidInputError,
  LockedError,
  NewerVersionError,
  NotAVaultError,
  RuleViolationError,
  VaultError,
  WrongPasswordError,
} from './errors'
import { deriveKekOffThread, prewarmKdf } from './kdf'
import { checkCredential, checkInput, checkPatch, type CheckedInput } from './input'
import { VAULT_MIGRATIONS, VAULT_SCHEMA_VERSION } from './migrations'
import { VaultStore, type EntryRow, type HeaderRow } from './store'
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

export type VaultChangeKind = 'locked' | 'unlocked' | 'entries' | 'reminder-state'
export type VaultChangeListener = (event: { kind: VaultChangeKind }) => void

const KDF_ALG = 'argon2id13'
const DEFAULT_HISTORY_LIMIT = 5
/** Wrong passwords allowed before the back-off starts, its first step and its ceiling. */
const FREE_TRIES = 3
const BACKOFF_BASE_MS = 1000
const BACKOFF_MAX_MS = 5 * 60_000
const VALIDATION_STATUSES: readonly ValidationStatus[] = [
  'valid',
  'invalid',
  'expired',
  'unreachable',
]
const SQLITE_MAGIC = 'SQLite format 3\0'

/** How long a caller must wait after `failures` wrong passwords in a row. */
export function backoffDelayMs(failures: number): number {
  if (failures < FREE_TRIES) return 0
  return Math.min(BACKOFF_BASE_MS * 2 ** (failures - FREE_TRIES), BACKOFF_MAX_MS)
}

const UNLOCK_CHUNK = 4096
const DAMAGED_REASON =
  'Its encrypted fields, or the clear metadata they vouch for, were modified, truncated or moved.'

/**
 * Associated data of an entry's descriptive blob: binds it to the vault, the entry and the
 * clear columns it vouches for (so editing expires_at in the file is detected at unlock).
 * The unlock query builds the same bytes in SQL (store.ts unlockChunk).
 */
function metaAssociatedData(vaultId: string, id: string, bound: BoundClear): Uint8Array {
  return associatedData(vaultId, id, `meta\0${boundText(bound)}`)
}

/** The wait left after `failures` wrong passwords, the last at `lastAt` (a clock set back cannot stretch it). */
function backoffLeftMs(failures: number, lastAt: number | null, now: number): number {
  const wait = backoffDelayMs(failures)
  if (wait === 0 || lastAt === null) return 0
  return Math.max(0, Math.min(lastAt + wait - now, wait))
}

interface Cached {
  summary: EntrySummary
  keyMask: string
  /**
   * Lower-cased name, notes, tags and provider, for search; made by the first search rather
   * than at unlock (100k of them were a tenth of the unlock, mostly in garbage collection).
   */
  haystack: string | null
}

function wrapAd(
  vaultId: string,
  kdf: { alg: string; ops: number; mem: number; salt: Uint8Array },
): Uint8Array {
  // The KDF header is bound to the wrapped key: editing the parameters or salt is detected.
  return associatedData(
    vaultId,
    '',
    `vault-key/${kdf.alg}/${kdf.ops}/${kdf.mem}/${Buffer.from(kdf.salt).toString('hex')}`,
  )
}

function historyField(seq: number, field: SecretField): string {
  return `history/${seq}/${field}`
}

/** Exactly the clear fields a sealed document vouches for (its JSON must hold no others). */
function boundOf(c: BoundClear): BoundClear {
  return {
    style: c.style,
    status: c.status,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    lastRotatedAt: c.lastRotatedAt,
    rotationPolicyDays: c.rotationPolicyDays,
  }
}

function clearOf(row: EntryRow): BoundClear {
  return boundOf(clearMetaOf(row))
}

function lastCheckOf(row: EntryRow): EntryClearMeta['lastCheck'] {
  return row.last_check_status !== null && row.last_check_at !== null
    ? { status: row.last_check_status, at: row.last_check_at }
    : null
}

function clearMetaOf(row: EntryRow): EntryClearMeta {
  return {
    id: row.id,
    style: row.style,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    lastRotatedAt: row.last_rotated_at,
    rotationPolicyDays: row.rotation_policy_days,
    lastCheck: lastCheckOf(row),
  }
}

/** clearMetaOf, frozen: the rows are shared by every clearMetadata() answer until a change. */
function frozenClearMetaOf(row: EntryRow): EntryClearMeta {
  const meta = clearMetaOf(row)
  if (meta.lastCheck) Object.freeze(meta.lastCheck)
  return Object.freeze(meta)
}

function summarize(row: EntryRow, meta: EntryMeta, historyCount: number): EntrySummary {
  // One literal, not a spread of clearMetaOf(row): at 100k entries the spread doubled unlock
  // time and memory (measured: 1.2 s -> 2.3 s, 235 -> 465 MB), as V8 then builds slower objects.
  return Object.freeze({
    id: row.id,
    style: row.style,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    lastRotatedAt: row.last_rotated_at,
    rotationPolicyDays: row.rotation_policy_days,
    lastCheck: lastCheckOf(row),
    name: meta.name,
    environment: meta.environment,
    // The arrays and objects are the vault's own (fresh from JSON or from input checks).
    tags: Object.freeze(meta.tags) as string[],
    notes: meta.notes,
    scope: Object.freeze(meta.scope),
    baseUrl: meta.baseUrl,
    origin: meta.origin,
    serverKeyId: meta.serverKeyId,
    hasSecret: meta.hasSecret,
    historyCount,
  })
}

function cachedOf(row: EntryRow, meta: EntryMeta, historyCount: number): Cached {
  return {
    summary: summarize(row, meta, historyCount),
    keyMask: meta.keyMask,
    haystack: null,
  }
}

/** The descriptive fields of a cached entry (the summary holds them all but the mask). */
function metaOf(c: Cached): EntryMeta {
  const s = c.summary
  return {
    name: s.name,
    environment: s.environment,
    tags: s.tags,
    notes: s.notes,
    scope: s.scope,
    baseUrl: s.baseUrl,
    origin: s.origin,
    serverKeyId: s.serverKeyId,
    keyMask: c.keyMask,
    hasSecret: s.hasSecret,
    bound: boundOf(s),
  }
}

function haystackOf(s: EntrySummary): string {
  return `${s.name}\n${s.notes}\n${s.tags.join('\n')}\n${s.style}\n${STYLE_RULES[s.style].displayName}`.toLowerCase()
}

function factsOf(s: EntrySummary): KeyFacts {
  return {
    id: s.id,
    style: s.style,
    status: s.status,
    scope: s.scope,
    issuedAt: s.lastRotatedAt,
    expiresAt: s.expiresAt,
  }
}

/** Whether a style has a limit on how many keys may exist (so peers must be counted). */
function hasLimits(style: EntryRow['style']): boolean {
  const r = STYLE_RULES[style]
  return (
    r.maxKeysPerAccount !== undefined ||
    r.maxActiveKeysPerUser !== undefined ||
    r.maxKeysPerUser !== undefined
  )
}

function peerGroup(style: string, account: string | undefined): string {
  return `${style}\0${account ?? ''}`
}

function looksLikeSqlite(path: string): boolean {
  try {
    if (statSync(path).size < 512) return false
    const fd = openSync(path, 'r')
    try {
      const head = Buffer.alloc(16)
      readSync(fd, head, 0, 16, 0)
      return head.toString('latin1') === SQLITE_MAGIC
    } finally {
      closeSync(fd)
    }
  } catch {
    return false
  }
}

export class Vault {
  private key: Uint8Array | null = null
  private cache = new Map<string, Cached>()
  /** Ids per (style, account) for the styles with key limits, to check limits in O(peers). */
  private peers = new Map<string, Set<string>>()
  private broken: { id: string; reason: string }[] = []
  private readonly listeners = new Set<VaultChangeListener>()
  private closed = false
  private unwrapQueue: Promise<unknown> = Promise.resolve()

  /** The sealed records, read while the vault waits locked for its password. */
  private readonly readAhead: RecordReadAhead
  /** The last clearMetadata() and reminderState() answers, with the store stamp they match. */
  private clearMemo: { stamp: string; rows: readonly EntryClearMeta[] } | null = null
  private reminderMemo: { stamp: string; rows: readonly ReminderStateRow[] } | null = null

  private constructor(
    readonly path: string,
    private readonly store: VaultStore,
    private readonly header0: HeaderRow,
    private readonly now: () => number,
  ) {
    this.readAhead = new RecordReadAhead(store, header0.vault_id, UNLOCK_CHUNK)
  }

  /** Create a new vault file at `path`, protected by `password`; returns it unlocked. */
  static async create(
    path: string,
    password: string,
    options: { kdf?: KdfParams; now?: () => number } = {},
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
      const salt = randomBytes(SALT_BYTES)
      const kek = await deriveKekOffThread(password, salt, kdf)
      const vaultKey = newVaultKey()
      const kdfRow = { alg: KDF_ALG, ops: kdf.opsLimit, mem: kdf.memLimitBytes, salt }
      const wrapped = seal(kek, vaultKey, wrapAd(vaultId, kdfRow))
      wipe(kek)
      const header: HeaderRow = {
        vault_id: vaultId,
        created_at: now(),
        kdf_alg: KDF_ALG,
        kdf_ops: kdf.opsLimit,
        kdf_mem: kdf.memLimitBytes,
        kdf_salt: salt,
        wrapped_key: wrapped,
        failed_attempts: 0,
        last_failure_at: null,
      }
      store.insertHeader(header)
      const vault = new Vault(path, store, header, now)
      vault.key = vaultKey
      return vault
    } catch (error) {
      db.close()
      throw error
    }
  }

  /** Open an existing vault file, locked. Throws NotAVaultError or NewerVersionError. */
  static open(path: string, options: { now?: () => number } = {}): Vault {
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
      const vault = new Vault(path, store, header, options.now ?? Date.now)
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
    return this.key !== null
  }

  /** How long until the next password try is allowed (0 when it is now); works while locked. */
  retryAfterMs(): number {
    this.assertOpen()
    const header = this.store.header() as HeaderRow
    return backoffLeftMs(header.failed_attempts, header.last_failure_at, this.now())
  }

  /** Check the password and open every entry's descriptive fields into memory. */
  async unlock(password: string): Promise<void> {
    this.assertOpen()
    await cryptoReady()
    const vaultKey = await this.unwrap(password)
    if (this.key) wipe(this.key)
    this.key = vaultKey
    this.loadCache()
    this.fillSearchTextSoon()
    this.emit('unlocked')
  }

  /** Zero the vault key and drop every decrypted cache. */
  lock(): void {
    const wasUnlocked = this.key !== null
    wipe(this.key)
    this.key = null
    this.cache = new Map()
    this.peers = new Map()
    this.broken = []
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
    const vaultKey = await this.unwrap(oldPassword)
    try {
      const header = this.store.header() as HeaderRow
      const salt = randomBytes(SALT_BYTES)
      const params = options.kdf ?? { opsLimit: header.kdf_ops, memLimitBytes: header.kdf_mem }
      const kek = await deriveKekOffThread(newPassword, salt, params)
      const kdfRow = { alg: KDF_ALG, ops: params.opsLimit, mem: params.memLimitBytes, salt }
      const wrapped = seal(kek, vaultKey, wrapAd(this.vaultId, kdfRow))
      wipe(kek)
      this.store.transaction(() =>
        this.store.rewrap({
          kdf_alg: KDF_ALG,
          kdf_ops: params.opsLimit,
          kdf_mem: params.memLimitBytes,
          kdf_salt: salt,
          wrapped_key: wrapped,
        }),
      )
    } finally {
      wipe(vaultKey)
    }
  }

  /** Add one entry (provider rules applied). */
  add(input: EntryInput): EntrySummary {
    return this.addMany([input])[0]
  }

  /** Add many entries in one transaction: all are added, or none (bulk import, benchmarks). */
  addMany(inputs: readonly EntryInput[]): EntrySummary[] {
    const key = this.requireKey()
    const now = this.now()
    const policy = this.accountPolicy()
    const pending = new Map<string, KeyFacts[]>()
    const prepared = inputs.map((raw) => {
      const input = checkInput(raw, now)
      const id = randomUUID()
      const facts: KeyFacts = {
        id,
        style: input.style,
        status: input.status,
        scope: input.scope,
        issuedAt: input.lastRotatedAt,
        expiresAt: input.expiresAt,
        credential: input.credential,
      }
      const group = peerGroup(input.style, input.scope.account)
      const others = hasLimits(input.style)
        ? [...this.peerFacts(group), ...(pending.get(group) ?? [])]
        : []
      this.assertRules(facts, others, policy)
      if (hasLimits(input.style)) pending.set(group, [...(pending.get(group) ?? []), facts])
      return { id, input }
    })
    const rows = prepared.map(({ id, input }) => this.sealNew(key, id, input, now))
    this.store.transaction(() => {
      for (const r of rows) this.store.insertEntry(r.row)
    })
    const out = rows.map((r) => this.cachePut(r.clear, r.meta, 0))
    if (out.length > 0) this.emit('entries')
    return out
  }

  /** Change an entry's descriptive fields, status, expiry or rotation policy. */
  update(id: string, patch: EntryPatch): EntrySummary {
    this.requireKey()
    const current = this.cached(id)
    const p = checkPatch(patch)
    const s = current.summary
    const next = {
      status: p.status ?? s.status,
      expiresAt: p.expiresAt !== undefined ? p.expiresAt : s.expiresAt,
      lastRotatedAt: p.lastRotatedAt ?? s.lastRotatedAt,
      rotationPolicyDays:
        p.rotationPolicyDays !== undefined ? p.rotationPolicyDays : s.rotationPolicyDays,
    }
    const old = metaOf(current)
    const meta: EntryMeta = {
      ...old,
      name: p.name ?? old.name,
      environment: p.environment ?? old.environment,
      tags: p.tags ?? old.tags,
      notes: p.notes ?? old.notes,
      scope: p.scope ?? old.scope,
      baseUrl: p.baseUrl !== undefined ? p.baseUrl : old.baseUrl,
    }
    const facts: KeyFacts = {
      id,
      style: s.style,
      status: next.status,
      scope: meta.scope,
      issuedAt: next.lastRotatedAt,
      expiresAt: next.expiresAt,
    }
    this.assertRules(facts, this.othersFor(s.style, meta.scope.account), this.accountPolicy())
    const timingChanged =
      next.expiresAt !== s.expiresAt ||
      next.lastRotatedAt !== s.lastRotatedAt ||
      next.rotationPolicyDays !== s.rotationPolicyDays
    const written = this.store.transaction(() => this.persistMeta(s, meta, next, timingChanged))
    return this.committed(current, written, s.historyCount)
  }

  /** Replace an entry's credential; the previous one is kept, encrypted, in its history. */
  rotate(
    id: string,
    next: { credential: Credential; expiresAt?: number | null; rotatedAt?: number },
  ): EntrySummary {
    const key = this.requireKey()
    const current = this.cached(id)
    const s = current.summary
    if (typeof next !== 'object' || next === null)
      throw new InvalidInputError('The new key is missing.')
    const credential = checkCredential(next.credential)
    const rotatedAt = next.rotatedAt === undefined ? this.now() : next.rotatedAt
    if (!Number.isSafeInteger(rotatedAt) || rotatedAt < 0)
      throw new InvalidInputError('The rotation time must be a time in milliseconds since 1970.')
    // Without an explicit expiry the new key gets the lifetime the old one had.
    let expiresAt: number | null
    if (next.expiresAt !== undefined) {
      if (next.expiresAt !== null && (!Number.isSafeInteger(next.expiresAt) || next.expiresAt < 0))
        throw new InvalidInputError('The expiry must be a time in milliseconds since 1970.')
      expiresAt = next.expiresAt
    } else expiresAt = s.expiresAt === null ? null : rotatedAt + (s.expiresAt - s.lastRotatedAt)
    const facts: KeyFacts = {
      id,
      style: s.style,
      status: s.status,
      scope: current.summary.scope,
      issuedAt: rotatedAt,
      expiresAt,
      credential,
    }
    this.assertRules(
      facts,
      this.othersFor(s.style, current.summary.scope.account),
      this.accountPolicy(),
    )
    const meta: EntryMeta = {
      ...metaOf(current),
      keyMask: maskKey(credential.key),
      hasSecret: credential.secret !== undefined,
    }
    const limit = this.historyLimit()
    let historyCount = 0
    const written = this.store.transaction(() => {
      const old = this.store.keyOf(id)
      if (!old) throw new EntryNotFoundError(id)
      const oldKey = this.openField(key, id, 'key', old.key_ct)
      const oldSecret = old.secret_ct ? this.openField(key, id, 'secret', old.secret_ct) : null
      const seq = this.store.nextHistorySeq(id)
      if (limit > 0) {
        this.store.addHistory(
          id,
          seq,
          rotatedAt,
          seal(key, oldKey, associatedData(this.vaultId, id, historyField(seq, 'key'))),
          oldSecret
            ? seal(key, oldSecret, associatedData(this.vaultId, id, historyField(seq, 'secret')))
            : null,
        )
      }
      wipe(oldKey)
      wipe(oldSecret)
      historyCount = this.store.trimHistory(id, limit)
      this.store.updateKey(id, ...this.sealCredential(key, id, credential))
      const next = {
        status: s.status,
        expiresAt,
        lastRotatedAt: rotatedAt,
        rotationPolicyDays: s.rotationPolicyDays,
      }
      return this.persistMeta(s, meta, next, true)
    })
    return this.committed(current, written, historyCount)
  }

  /** Delete an entry with its history and reminder bookkeeping. */
  remove(id: string): void {
    this.requireKey()
    const exists = this.cache.has(id) || this.broken.some((b) => b.id === id)
    if (!exists) throw new EntryNotFoundError(id)
    this.store.transaction(() => {
      this.store.clearReminders(id)
      this.store.deleteEntry(id)
    })
    const c = this.cache.get(id)
    if (c) this.peers.get(peerGroup(c.summary.style, c.summary.scope.account))?.delete(id)
    this.cache.delete(id)
    this.broken = this.broken.filter((b) => b.id !== id)
    this.emit('entries')
  }

  /** One entry with a masked view of its key. */
  get(id: string): EntryDetail {
    this.requireKey()
    const c = this.cached(id)
    return { ...c.summary, keyMask: c.keyMask }
  }

  /** Every entry that opened, oldest first (no secrets). */
  list(): EntrySummary[] {
    this.requireKey()
    const out: EntrySummary[] = new Array(this.cache.size)
    let i = 0
    for (const c of this.cache.values()) out[i++] = c.summary
    return out
  }

  /** Case-insensitive substring search over name, notes, tags and provider. */
  search(query: string): EntrySummary[] {
    this.requireKey()
    if (typeof query !== 'string') throw new InvalidInputError('The search must be text.')
    const q = query.trim().toLowerCase()
    if (q === '') return this.list()
    // A plain scan: measured at 100k entries it takes 6-12 ms whatever the query, where a
    // joined-string index won a few ms on rare words and lost 30 ms on common ones.
    const out: EntrySummary[] = []
    for (const c of this.cache.values())
      if ((c.haystack ??= haystackOf(c.summary)).includes(q)) out.push(c.summary)
    return out
  }

  /** Decrypt one secret field of an entry. */
  reveal(id: string, field: SecretField): string {
    const key = this.requireKey()
    this.cached(id)
    const row = this.store.keyOf(id)
    if (!row) throw new EntryNotFoundError(id)
    const sealed = this.fieldOf(row, field)
    const plain = this.openField(key, id, field, sealed)
    const text = Buffer.from(plain).toString('utf8')
    wipe(plain)
    return text
  }

  /** The previous credentials of an entry, newest first (masked). */
  history(id: string): HistoryItem[] {
    const key = this.requireKey()
    this.cached(id)
    return this.store.history(id).map((h, index) => {
      const plain = this.openField(key, id, historyField(h.seq, 'key'), h.key_ct)
      const keyMask = maskKey(Buffer.from(plain).toString('utf8'))
      wipe(plain)
      return { index, rotatedAt: h.rotated_at, keyMask }
    })
  }

  /** Decrypt a field of a previous credential (`index` as `history` numbers them). */
  revealHistory(id: string, index: number, field: SecretField): string {
    const key = this.requireKey()
    this.cached(id)
    const item = this.store.history(id)[index]
    if (!Number.isInteger(index) || !item)
      throw new InvalidInputError(`Entry ${id} has no history item ${index}.`)
    const sealed = this.fieldOf(item, field)
    const plain = this.openField(key, id, historyField(item.seq, field), sealed)
    const text = Buffer.from(plain).toString('utf8')
    wipe(plain)
    return text
  }

  /** Entries that failed to open at unlock (tampered or truncated), with the reason. */
  damaged(): { id: string; reason: string }[] {
    this.requireKey()
    return this.broken.map((b) => ({ ...b }))
  }

  /**
   * Clear metadata of every entry; works while locked (reminders). Kept between calls while the
   * file is unchanged (the store's stamp): the scheduler reads it at every check and again to
   * plan the next one, and re-reading 100k rows each time was most of an hourly check.
   */
  clearMetadata(): EntryClearMeta[] {
    this.assertOpen()
    const stamp = this.store.entriesStamp()
    if (this.clearMemo?.stamp !== stamp)
      this.clearMemo = { stamp, rows: this.store.allClear().map(frozenClearMetaOf) }
    return this.clearMemo.rows.slice()
  }

  /** Store the last validation result of an entry (clear; works while locked). */
  recordValidation(id: string, status: ValidationStatus, at: number): void {
    this.assertOpen()
    if (!VALIDATION_STATUSES.includes(status))
      throw new InvalidInputError(
        'The validation status must be valid, invalid, expired or unreachable.',
      )
    if (!Number.isSafeInteger(at) || at < 0)
      throw new InvalidInputError('The validation time must be a time in milliseconds since 1970.')
    if (!this.store.transaction(() => this.store.recordCheck(id, status, at)))
      throw new EntryNotFoundError(id)
    const c = this.cache.get(id)
    if (c) c.summary = Object.freeze({ ...c.summary, lastCheck: { status, at } })
    this.emit('entries')
  }

  /** Reminder bookkeeping rows (clear; works while locked), kept while unchanged as above. */
  reminderState(): ReminderStateRow[] {
    this.assertOpen()
    const stamp = this.store.remindersStamp()
    if (this.reminderMemo?.stamp !== stamp)
      this.reminderMemo = { stamp, rows: this.store.reminders().map((r) => Object.freeze(r)) }
    return this.reminderMemo.rows.slice()
  }

  /** Insert or replace one reminder bookkeeping row. */
  putReminderState(row: ReminderStateRow): void {
    this.putReminderStates([row])
  }

  /**
   * Insert or replace many reminder rows in one transaction (one fsync, one change event):
   * all are written, or none when a row is malformed or names a missing entry.
   */
  putReminderStates(rows: readonly ReminderStateRow[]): void {
    this.assertOpen()
    if (!Array.isArray(rows)) throw new InvalidInputError('The reminder state rows must be a list.')
    if (rows.length === 0) return
    for (const row of rows) checkReminderRow(row)
    this.store.transaction(() => {
      for (const row of rows) {
        // The foreign key would refuse it too, but with SQLite's wording instead of ours.
        if (!this.store.hasEntry(row.entryId)) throw new EntryNotFoundError(row.entryId)
        this.store.putReminder(row)
      }
    })
    this.emit('reminder-state')
  }

  /** A clear JSON setting ('historyLimit', 'accountPolicy', reminder thresholds ...). */
  getSetting<T>(key: string): T | undefined {
    this.assertOpen()
    const raw = this.store.getSetting(key)
    return raw === undefined ? undefined : (JSON.parse(raw) as T)
  }

  /** Store a clear JSON setting. Settings are not secret: never put a key in one. */
  setSetting(key: string, value: unknown): void {
    this.assertOpen()
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
    this.clearMemo = null
    this.reminderMemo = null
    this.listeners.clear()
    this.store.db.close()
  }

  // ---- internals ----

  private assertOpen(): void {
    if (this.closed) throw new InvalidInputError('The vault is closed.')
  }

  private requireKey(): Uint8Array {
    this.assertOpen()
    if (!this.key) throw new LockedError()
    return this.key
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

  /**
   * Derive the KEK and open the vault key, with the persisted wrong-password back-off. Tries run
   * one at a time: the KDF is awaited, and concurrent tries would all pass the back-off check
   * before any failure was counted.
   */
  private unwrap(password: string): Promise<Uint8Array> {
    const run = this.unwrapQueue.then(() => this.unwrapNow(password))
    this.unwrapQueue = run.catch(() => undefined)
    return run
  }

  private async unwrapNow(password: string): Promise<Uint8Array> {
    this.assertOpen()
    if (typeof password !== 'string') throw new InvalidInputError('The password must be text.')
    const header = this.store.header() as HeaderRow
    const now = this.now()
    const left = backoffLeftMs(header.failed_attempts, header.last_failure_at, now)
    if (left > 0) throw new BackoffError(left)
    const kek = await deriveKekOffThread(password, header.kdf_salt, {
      opsLimit: header.kdf_ops,
      memLimitBytes: header.kdf_mem,
    })
    const kdf = {
      alg: header.kdf_alg,
      ops: header.kdf_ops,
      mem: header.kdf_mem,
      salt: header.kdf_salt,
    }
    const vaultKey = open(kek, header.wrapped_key, wrapAd(header.vault_id, kdf))
    wipe(kek)
    if (this.closed) {
      wipe(vaultKey)
      throw new InvalidInputError('The vault is closed.')
    }
    if (!vaultKey) {
      this.store.transaction(() => this.store.setFailures(header.failed_attempts + 1, now))
      throw new WrongPasswordError()
    }
    if (header.failed_attempts !== 0) this.store.transaction(() => this.store.setFailures(0, null))
    return vaultKey
  }

  /**
   * Make the entries' search text in the background after an unlock, twenty thousand entries per
   * turn of the event loop, so neither the unlock nor the first search pays for all of it at once.
   * A search that comes first makes what is still missing itself. Unref'd: it never holds a
   * process open, and it stops when the cache is replaced (lock, another unlock).
   */
  private fillSearchTextSoon(): void {
    const cache = this.cache
    const pending = cache.values()
    const step = (): void => {
      if (this.cache !== cache) return
      let done = 0
      for (let next = pending.next(); !next.done; next = pending.next()) {
        next.value.haystack ??= haystackOf(next.value.summary)
        if (++done === 20_000) {
          nextTurn(step)
          return
        }
      }
    }
    nextTurn(step)
  }

  private loadCache(): void {
    const opener = new BulkOpener(this.key as Uint8Array)
    try {
      const counts = this.store.historyCounts()
      const cache = new Map<string, Cached>()
      const broken: { id: string; reason: string }[] = []
      this.peers = new Map()
      // The entry id follows "keywarden/v1\0<vault id>\0" in the associated data (ASCII).
      const idOffset = associatedText(this.vaultId, '', '').length - 1
      for (const chunk of this.readAhead.drain()) {
        opener.openRecords(chunk.blob, idOffset, (id, text, extra) => {
          // The associated data holds the clear columns: an edit of them fails here too.
          const meta = text === null ? null : decodeMetaText(text)
          if (!meta) {
            broken.push({ id, reason: DAMAGED_REASON })
            return
          }
          // Mostly just updated_at: split only when a validation result follows.
          const bar = extra.indexOf('|')
          const updatedAt = bar === -1 ? Number(extra) : Number(extra.slice(0, bar))
          const check = bar === -1 ? null : extra.slice(bar + 1).split('|')
          const b = meta.bound
          const row: EntryRow = {
            id,
            style: b.style,
            status: b.status,
            created_at: b.createdAt,
            updated_at: updatedAt,
            expires_at: b.expiresAt,
            last_rotated_at: b.lastRotatedAt,
            rotation_policy_days: b.rotationPolicyDays,
            last_check_status: check ? (check[0] as ValidationStatus) : null,
            last_check_at: check ? Number(check[1]) : null,
          }
          cache.set(id, cachedOf(row, meta, counts.get(id) ?? 0))
          this.indexPeer(id, b.style, meta.scope.account)
        })
      }
      this.cache = cache
      this.broken = broken
    } finally {
      opener.dispose()
    }
  }

  private indexPeer(id: string, style: EntryRow['style'], account: string | undefined): void {
    if (!hasLimits(style)) return
    const group = peerGroup(style, account)
    let set = this.peers.get(group)
    if (!set) this.peers.set(group, (set = new Set()))
    set.add(id)
  }

  private peerFacts(group: string): KeyFacts[] {
    const ids = this.peers.get(group)
    if (!ids) return []
    return [...ids].map((id) => factsOf((this.cache.get(id) as Cached).summary))
  }

  private othersFor(style: EntryRow['style'], account: string | undefined): KeyFacts[] {
    return hasLimits(style) ? this.peerFacts(peerGroup(style, account)) : []
  }

  private accountPolicy(): AccountPolicy {
    const p = this.getSetting<AccountPolicy>('accountPolicy')
    return typeof p === 'object' && p !== null ? p : {}
  }

  private historyLimit(): number {
    const n = this.getSetting<number>('historyLimit')
    return Number.isInteger(n) && (n as number) >= 0 ? (n as number) : DEFAULT_HISTORY_LIMIT
  }

  private assertRules(facts: KeyFacts, others: KeyFacts[], policy: AccountPolicy): void {
    const violation = findRuleViolation(facts, others, policy)
    if (violation) throw new RuleViolationError(violation.code, violation.message)
  }

  private cached(id: string): Cached {
    if (typeof id !== 'string') throw new InvalidInputError('The entry id must be text.')
    const c = this.cache.get(id)
    if (c) return c
    if (this.broken.some((b) => b.id === id)) throw new EntryTamperedError(id)
    throw new EntryNotFoundError(id)
  }

  private fieldOf(
    row: { key_ct: Uint8Array; secret_ct: Uint8Array | null },
    field: SecretField,
  ): Uint8Array {
    if (field === 'key') return row.key_ct
    if (field === 'secret') {
      if (!row.secret_ct)
        throw new InvalidInputError('This entry has no separate secret; reveal its key.')
      return row.secret_ct
    }
    throw new InvalidInputError('The field must be "key" or "secret".')
  }

  private openField(key: Uint8Array, id: string, field: string, sealed: Uint8Array): Uint8Array {
    const plain = open(key, sealed, associatedData(this.vaultId, id, field))
    if (!plain) throw new EntryTamperedError(id)
    return plain
  }

  private sealCredential(
    key: Uint8Array,
    id: string,
    c: Credential,
  ): [Uint8Array, Uint8Array | null] {
    const enc = new TextEncoder()
    return [
      seal(key, enc.encode(c.key), associatedData(this.vaultId, id, 'key')),
      c.secret !== undefined
        ? seal(key, enc.encode(c.secret), associatedData(this.vaultId, id, 'secret'))
        : null,
    ]
  }

  private sealNew(key: Uint8Array, id: string, input: CheckedInput, now: number) {
    const clear: EntryRow = {
      id,
      style: input.style,
      status: input.status,
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt,
      last_rotated_at: input.lastRotatedAt,
      rotation_policy_days: input.rotationPolicyDays,
      last_check_status: null,
      last_check_at: null,
    }
    const meta: EntryMeta = {
      name: input.name,
      environment: input.environment,
      tags: input.tags,
      notes: input.notes,
      scope: input.scope,
      baseUrl: input.baseUrl,
      origin: input.origin,
      serverKeyId: input.serverKeyId,
      keyMask: maskKey(input.credential.key),
      hasSecret: input.credential.secret !== undefined,
      bound: clearOf(clear),
    }
    const [keyCt, secretCt] = this.sealCredential(key, id, input.credential)
    const { last_check_status: _s, last_check_at: _a, ...insertable } = clear
    return {
      clear,
      meta,
      row: {
        ...insertable,
        meta_ct: seal(key, encodeMeta(meta), metaAssociatedData(this.vaultId, id, meta.bound)),
        key_ct: keyCt,
        secret_ct: secretCt,
      },
    }
  }

  private cachePut(row: EntryRow, meta: EntryMeta, historyCount: number): EntrySummary {
    const cached = cachedOf(row, meta, historyCount)
    this.cache.set(row.id, cached)
    this.indexPeer(row.id, row.style, meta.scope.account)
    return cached.summary
  }

  /** Reseal an entry's descriptive blob with new clear values (call inside a transaction). */
  private persistMeta(
    s: EntrySummary,
    meta: EntryMeta,
    next: {
      status: EntrySummary['status']
      expiresAt: number | null
      lastRotatedAt: number
      rotationPolicyDays: number | null
    },
    clearReminders: boolean,
  ): { row: EntryRow; meta: EntryMeta } {
    const key = this.requireKey()
    const row: EntryRow = {
      id: s.id,
      style: s.style,
      status: next.status,
      created_at: s.createdAt,
      updated_at: Math.max(this.now(), s.updatedAt),
      expires_at: next.expiresAt,
      last_rotated_at: next.lastRotatedAt,
      rotation_policy_days: next.rotationPolicyDays,
      last_check_status: s.lastCheck?.status ?? null,
      last_check_at: s.lastCheck?.at ?? null,
    }
    const sealedMeta = { ...meta, bound: clearOf(row) }
    const metaCt = seal(
      key,
      encodeMeta(sealedMeta),
      metaAssociatedData(this.vaultId, s.id, sealedMeta.bound),
    )
    this.store.updateEntry({
      id: s.id,
      status: row.status,
      updated_at: row.updated_at,
      expires_at: row.expires_at,
      last_rotated_at: row.last_rotated_at,
      rotation_policy_days: row.rotation_policy_days,
      meta_ct: metaCt,
    })
    // A reminder is about the key as it was: changing its timing or the key clears it.
    if (clearReminders) this.store.clearReminders(s.id)
    return { row, meta: sealedMeta }
  }

  /** After a commit: refresh the cache and peer index, then tell listeners. */
  private committed(
    old: Cached,
    written: { row: EntryRow; meta: EntryMeta },
    historyCount: number,
  ): EntrySummary {
    this.peers.get(peerGroup(old.summary.style, old.summary.scope.account))?.delete(old.summary.id)
    const summary = this.cachePut(written.row, written.meta, historyCount)
    this.emit('entries')
    return summary
  }
}

function checkPassword(password: unknown): void {
  if (typeof password !== 'string' || password.length === 0)
    throw new InvalidInputError('The password must not be empty.')
  if (password.length > 1024)
    throw new InvalidInputError('The password is longer than 1024 characters.')
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
