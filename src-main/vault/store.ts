/**
 * The vault's repository: every prepared statement over the vault tables lives here, values are
 * always bound parameters. It moves bytes and clear columns; it knows nothing of keys.
 */
import type { Db, Statement } from '../db/sqlite'
import type { EntryStyle, KeyStatus } from '../providers'
import type { ReminderStateRow, ValidationStatus } from './types'

export interface HeaderRow {
  vault_id: string
  created_at: number
  kdf_alg: string
  kdf_ops: number
  kdf_mem: number
  kdf_salt: Uint8Array
  wrapped_key: Uint8Array
  failed_attempts: number
  last_failure_at: number | null
  /** Entry commits so far (integrity.ts); 0 before the first MAC'd commit. */
  commit_counter: number
  commit_at: number | null
  /** "id version" lines of every entry, as of the last commit (integrity.ts). */
  manifest: Uint8Array | null
  integrity_mac: Uint8Array | null
  /** The audit log's last record as of the last commit, covered by integrity_mac (audit.ts). */
  audit_seq: number | null
}

/** The integrity columns of the header, written together by every entry commit. */
export type IntegrityRow = Pick<
  HeaderRow,
  'commit_counter' | 'commit_at' | 'manifest' | 'integrity_mac' | 'audit_seq'
>

export interface EntryRow {
  id: string
  style: EntryStyle
  status: KeyStatus
  created_at: number
  updated_at: number
  expires_at: number | null
  last_rotated_at: number
  rotation_policy_days: number | null
  /** Counts the entry's writes; bound into its ciphertexts' associated data (0: written before versions). */
  version: number
  last_check_status: ValidationStatus | null
  last_check_at: number | null
}

export interface HistoryRow {
  seq: number
  rotated_at: number
  key_ct: Uint8Array
  secret_ct: Uint8Array | null
}

const CLEAR_COLUMNS =
  'id, style, status, created_at, updated_at, expires_at, last_rotated_at, rotation_policy_days, version, last_check_status, last_check_at'

/** A whole entry row as written: clear columns and the three sealed fields. */
export type SealedRow = Omit<EntryRow, 'last_check_status' | 'last_check_at'> & {
  meta_ct: Uint8Array
  key_ct: Uint8Array
  secret_ct: Uint8Array | null
}

/** Prepared statements over one open vault database. */
export class VaultStore {
  private readonly s: Record<string, Statement>
  /** Writes to the entries table by this connection (see entriesStamp). */
  private entryWrites = 0
  /** Writes to the reminder_state table by this connection (see remindersStamp). */
  private reminderWrites = 0

  constructor(readonly db: Db) {
    const p = (sql: string): Statement => db.prepare(sql)
    this.s = {
      header: p('SELECT * FROM vault_header WHERE id = 1'),
      dataVersion: p('PRAGMA data_version').pluck(),
      insertHeader: p(
        `INSERT INTO vault_header (id, vault_id, created_at, kdf_alg, kdf_ops, kdf_mem, kdf_salt, wrapped_key)
         VALUES (1, @vault_id, @created_at, @kdf_alg, @kdf_ops, @kdf_mem, @kdf_salt, @wrapped_key)`,
      ),
      rewrap: p(
        `UPDATE vault_header SET kdf_alg = @kdf_alg, kdf_ops = @kdf_ops, kdf_mem = @kdf_mem,
         kdf_salt = @kdf_salt, wrapped_key = @wrapped_key WHERE id = 1`,
      ),
      failures: p('UPDATE vault_header SET failed_attempts = ?, last_failure_at = ? WHERE id = 1'),
      // One blob per chunk of rows instead of a JS value per column per row: better-sqlite3
      // spends ~2 µs making each Buffer, which at 100k entries was most of the unlock. The
      // rows reach group_concat in the subquery's rowid order (an ORDER BY inside the aggregate
      // would sort again: +90 ms at 100k); the order only decides the list order anyway.
      // Each record starts with its three lengths (one printf per row); the associated data's
      // length is summed from its parts because a flattened subquery would build it twice.
      unlockChunk: p(
        `SELECT CAST(group_concat(rec, '') AS BLOB) AS blob, max(rid) AS last FROM (
           SELECT rowid AS rid,
             unhex(printf('%08x%08x%08x',
               25 + length(CAST(@vault AS BLOB)) + length(CAST(id AS BLOB))
                 + length(CAST(style AS BLOB)) + length(CAST(status AS BLOB)) + length(created_at)
                 + ifnull(length(expires_at), 0) + length(last_rotated_at)
                 + ifnull(length(rotation_policy_days), 0)
                 + CASE WHEN version > 0 THEN 1 + length(version) ELSE 0 END,
               length(meta_ct),
               length(updated_at) + 1 + length(version)
                 + ifnull(2 + length(CAST(last_check_status AS BLOB)) + length(last_check_at), 0)))
             || 'keywarden/v1' || char(0) || @vault || char(0) || id || char(0) || 'meta' || char(0)
             || style || '|' || status || '|' || created_at || '|' || ifnull(expires_at, '')
             || '|' || last_rotated_at || '|' || ifnull(rotation_policy_days, '')
             || CASE WHEN version > 0 THEN '|' || version ELSE '' END
             || meta_ct
             || updated_at || '|' || version || ifnull('|' || last_check_status || '|' || last_check_at, '') AS rec
           FROM entries WHERE rowid > @after ORDER BY rowid LIMIT @limit)`,
      ),
      allClear: p(`SELECT ${CLEAR_COLUMNS} FROM entries ORDER BY rowid`),
      clearById: p(`SELECT ${CLEAR_COLUMNS} FROM entries WHERE id = ?`),
      sealedById: p(`SELECT ${CLEAR_COLUMNS}, meta_ct FROM entries WHERE id = ?`),
      versions: p('SELECT id, version FROM entries'),
      integrity: p(
        `UPDATE vault_header SET commit_counter = @commit_counter, commit_at = @commit_at,
           manifest = @manifest, integrity_mac = @integrity_mac, audit_seq = @audit_seq
         WHERE id = 1`,
      ),
      lastAuditSeq: p('SELECT max(seq) FROM audit_log').pluck(),
      key: p('SELECT key_ct, secret_ct FROM entries WHERE id = ?'),
      hasEntry: p('SELECT 1 FROM entries WHERE id = ?').pluck(),
      insertEntry: p(
        `INSERT INTO entries (id, style, status, created_at, updated_at, expires_at, last_rotated_at,
           rotation_policy_days, version, meta_ct, key_ct, secret_ct)
         VALUES (@id, @style, @status, @created_at, @updated_at, @expires_at, @last_rotated_at,
           @rotation_policy_days, @version, @meta_ct, @key_ct, @secret_ct)`,
      ),
      // Compare-and-set: the row is written only if it is still at the version the write read.
      updateEntry: p(
        `UPDATE entries SET status = @status, updated_at = @updated_at, expires_at = @expires_at,
           last_rotated_at = @last_rotated_at, rotation_policy_days = @rotation_policy_days,
           version = @version, meta_ct = @meta_ct, key_ct = @key_ct, secret_ct = @secret_ct
         WHERE id = @id AND version = @previous_version`,
      ),
      deleteEntry: p('DELETE FROM entries WHERE id = ?'),
      check: p('UPDATE entries SET last_check_status = ?, last_check_at = ? WHERE id = ?'),
      historyCounts: p('SELECT entry_id, count(*) AS n FROM entry_history GROUP BY entry_id'),
      entryCount: p('SELECT count(*) FROM entries').pluck(),
      history: p(
        'SELECT seq, rotated_at, key_ct, secret_ct FROM entry_history WHERE entry_id = ? ORDER BY seq DESC',
      ),
      maxSeq: p('SELECT coalesce(max(seq), 0) AS m FROM entry_history WHERE entry_id = ?'),
      insertHistory: p(
        'INSERT INTO entry_history (entry_id, seq, rotated_at, key_ct, secret_ct) VALUES (?, ?, ?, ?, ?)',
      ),
      trimHistory: p(
        `DELETE FROM entry_history WHERE entry_id = ? AND seq NOT IN
           (SELECT seq FROM entry_history WHERE entry_id = ? ORDER BY seq DESC LIMIT ?)`,
      ),
      countHistory: p('SELECT count(*) AS n FROM entry_history WHERE entry_id = ?'),
      reminders: p('SELECT * FROM reminder_state ORDER BY entry_id, kind, threshold'),
      putReminder: p(
        `INSERT INTO reminder_state (entry_id, kind, threshold, notified_at, snoozed_until, dismissed)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, kind, threshold) DO UPDATE SET notified_at = excluded.notified_at,
           snoozed_until = excluded.snoozed_until, dismissed = excluded.dismissed`,
      ),
      clearReminders: p('DELETE FROM reminder_state WHERE entry_id = ?'),
      getSetting: p('SELECT value FROM settings WHERE key = ?'),
      putSetting: p(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    }
  }

  /** Run `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /**
   * Run `fn` in a transaction that takes the write lock first (BEGIN IMMEDIATE): what it reads
   * cannot be changed by another process before it commits, so a check made inside holds.
   */
  writeTransaction<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate()
  }

  header(): HeaderRow | undefined {
    return this.s.header.get() as HeaderRow | undefined
  }
  insertHeader(
    row: Pick<
      HeaderRow,
      'vault_id' | 'created_at' | 'kdf_alg' | 'kdf_ops' | 'kdf_mem' | 'kdf_salt' | 'wrapped_key'
    >,
  ): void {
    this.s.insertHeader.run(row)
  }
  rewrap(
    row: Pick<HeaderRow, 'kdf_alg' | 'kdf_ops' | 'kdf_mem' | 'kdf_salt' | 'wrapped_key'>,
  ): void {
    this.s.rewrap.run(row)
  }
  setFailures(count: number, at: number | null): void {
    this.s.failures.run(count, at)
  }

  /**
   * What unlock needs of up to `limit` entries after `afterRowid`, oldest first, as one blob of
   * records: three u32 lengths, then the associated data of the entry's sealed blob (built from
   * its clear columns exactly as `metaAssociatedData` builds it), meta_ct, and updated_at
   * followed by "|status|time" when the key was validated. Returns null when none is left.
   */
  unlockChunk(
    vaultId: string,
    afterRowid: number,
    limit: number,
  ): { blob: Uint8Array; last: number } | null {
    const r = this.s.unlockChunk.get({ vault: vaultId, after: afterRowid, limit }) as {
      blob: Uint8Array | null
      last: number | null
    }
    return r.blob === null || r.last === null ? null : { blob: r.blob, last: r.last }
  }
  /**
   * Changes whenever the entries may have changed: a write through this store, or a commit by
   * another connection (SQLite's data_version, which ignores this connection's own writes).
   */
  entriesStamp(): string {
    return `${this.s.dataVersion.get() as number}/${this.entryWrites}`
  }
  /** The same for the reminder rows (which an entry's removal also deletes). */
  remindersStamp(): string {
    return `${this.entriesStamp()}/${this.reminderWrites}`
  }
  allClear(): EntryRow[] {
    return this.s.allClear.all() as EntryRow[]
  }
  clearById(id: string): EntryRow | undefined {
    return this.s.clearById.get(id) as EntryRow | undefined
  }
  hasEntry(id: string): boolean {
    return this.s.hasEntry.get(id) !== undefined
  }
  keyOf(id: string): { key_ct: Uint8Array; secret_ct: Uint8Array | null } | undefined {
    return this.s.key.get(id) as { key_ct: Uint8Array; secret_ct: Uint8Array | null } | undefined
  }
  /** An entry's clear columns and sealed descriptive blob, as committed now. */
  sealedById(id: string): (EntryRow & { meta_ct: Uint8Array }) | undefined {
    return this.s.sealedById.get(id) as (EntryRow & { meta_ct: Uint8Array }) | undefined
  }
  /** Every entry's id and version (what a refresh compares with its cache). */
  versions(): { id: string; version: number }[] {
    return this.s.versions.all() as { id: string; version: number }[]
  }
  insertEntry(row: SealedRow): void {
    this.entryWrites++
    this.s.insertEntry.run(row)
  }
  /** Write a new version of an entry; false when the row is no longer at `previousVersion`. */
  updateEntry(row: Omit<SealedRow, 'style' | 'created_at'>, previousVersion: number): boolean {
    this.entryWrites++
    return this.s.updateEntry.run({ ...row, previous_version: previousVersion }).changes === 1
  }
  writeIntegrity(row: IntegrityRow): void {
    this.s.integrity.run(row)
  }
  /** The audit log's last record number (null when empty), which each integrity MAC covers. */
  lastAuditSeq(): number | null {
    return (this.s.lastAuditSeq.get() as number | null) ?? null
  }
  deleteEntry(id: string): boolean {
    this.entryWrites++
    return this.s.deleteEntry.run(id).changes > 0
  }
  recordCheck(id: string, status: ValidationStatus, at: number): boolean {
    this.entryWrites++
    return this.s.check.run(status, at, id).changes > 0
  }

  /** How many entry rows the file holds (damaged ones included). */
  entryCount(): number {
    return this.s.entryCount.get() as number
  }

  historyCounts(): Map<string, number> {
    const rows = this.s.historyCounts.all() as { entry_id: string; n: number }[]
    return new Map(rows.map((r) => [r.entry_id, r.n]))
  }
  history(id: string): HistoryRow[] {
    return this.s.history.all(id) as HistoryRow[]
  }
  nextHistorySeq(id: string): number {
    return (this.s.maxSeq.get(id) as { m: number }).m + 1
  }
  addHistory(
    id: string,
    seq: number,
    rotatedAt: number,
    keyCt: Uint8Array,
    secretCt: Uint8Array | null,
  ): void {
    this.s.insertHistory.run(id, seq, rotatedAt, keyCt, secretCt)
  }
  /** Keep only the newest `limit` history items of an entry; returns how many remain. */
  trimHistory(id: string, limit: number): number {
    this.s.trimHistory.run(id, id, limit)
    return (this.s.countHistory.get(id) as { n: number }).n
  }

  reminders(): ReminderStateRow[] {
    const rows = this.s.reminders.all() as {
      entry_id: string
      kind: string
      threshold: number
      notified_at: number | null
      snoozed_until: number | null
      dismissed: number
    }[]
    return rows.map((r) => ({
      entryId: r.entry_id,
      kind: r.kind,
      threshold: r.threshold,
      notifiedAt: r.notified_at,
      snoozedUntil: r.snoozed_until,
      dismissed: r.dismissed === 1,
    }))
  }
  putReminder(r: ReminderStateRow): void {
    this.reminderWrites++
    this.s.putReminder.run(
      r.entryId,
      r.kind,
      r.threshold,
      r.notifiedAt,
      r.snoozedUntil,
      r.dismissed ? 1 : 0,
    )
  }
  clearReminders(id: string): void {
    this.reminderWrites++
    this.s.clearReminders.run(id)
  }

  /** Copy the whole database, as of one read transaction, into the file at `path`. */
  copyTo(path: string): void {
    this.db.prepare('VACUUM INTO ?').run(path)
  }

  getSetting(key: string): string | undefined {
    return (this.s.getSetting.get(key) as { value: string } | undefined)?.value
  }
  putSetting(key: string, value: string): void {
    this.s.putSetting.run(key, value)
  }
}
