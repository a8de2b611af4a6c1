/**
 * The audit log: who did what to which entry, and when, in a hash chain inside the vault file.
 *
 * What a record holds: the time, the kind of process (cli, app, browser), the OS user, the
 * action, the entry's id and a small detail (which field, a command's name, a format, a count).
 * Never a secret and never an entry's name, notes or tags: those are sealed in the vault, and a
 * record names entries by their id, which is already clear in the file.
 *
 * Records are kept in clear, not sealed. Nothing in them is secret, a failed unlock must be
 * written while there is no key to seal with, and listing or filtering needs no decryption. They
 * are authenticated instead: each record's `link` is the first half of an HMAC-SHA512, keyed
 * with a subkey of the vault key, over the record and the previous record's link. An edited,
 * reordered, removed or forged record breaks the chain where it is. The second half of the last
 * record's HMAC is the head (audit_head), stored nowhere else, so cutting records off the end is
 * found too. The integrity record's MAC covers the last record's number at each entry commit
 * (integrity.ts), so even removing the log with its head is found. Only a whole older copy of
 * the file put back (log, head and integrity record together) escapes the chain; that is the
 * rollback the last-seen record catches (last-seen.ts).
 *
 * Failed unlocks happen while locked: they go to audit_pending, unauthenticated, and the next
 * successful unlock folds them into the chain marked `recordedLocked` (their time and user were
 * not vouched for when written; somebody with write access to the file could also remove them
 * before that unlock, which no design without the key can prevent).
 *
 * Cost: an append is one SELECT of the last row by primary key, one HMAC, one INSERT and one
 * head UPDATE in a write transaction. Unlock appends one record and never reads the log.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { basename } from 'node:path'
import { userInfo } from 'node:os'
import { AuditStore, type AuditRow } from './audit-store'
import { deriveSubkey, wipe } from './crypto'
import { InvalidInputError, LockedError, WrongPasswordError } from './errors'
import { readIntegrity } from './integrity'
import type { HeaderRow, VaultStore } from './store'

/** The kind of process that acted. */
export type AuditActor = 'cli' | 'app' | 'browser'
export const AUDIT_ACTORS: readonly AuditActor[] = ['cli', 'app', 'browser']

export const AUDIT_ACTIONS = [
  'create',
  'unlock',
  'unlock-failed',
  'reveal',
  'copy',
  'get',
  'run',
  'inject',
  'add',
  'edit',
  'rotate',
  'remove',
  'import',
  'export',
  'backup',
  'restore',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** How a secret left the vault: a reveal in a UI, a copy, `get --field`, run, inject, export. */
export type RevealUse = { as?: 'reveal' | 'copy' | 'get' | 'run' | 'inject' | 'export' } & {
  /** The command a secret was revealed for (`run`): only its base name is kept. */
  command?: string
}

/** Actions callers outside the vault record with `Vault.audit`; the vault records the rest. */
export const EXTERNAL_ACTIONS = ['run', 'inject', 'export', 'backup', 'restore'] as const
export type ExternalAction = (typeof EXTERNAL_ACTIONS)[number]

/** An event recorded by a caller outside the vault. */
export interface AuditEvent {
  action: ExternalAction
  /** The entries it concerns, by id: one record each. None: one record about the vault. */
  entryIds?: readonly string[]
  /** The field of a reference (`key`, `secret`, `id`, `credential`). */
  field?: 'key' | 'secret' | 'id' | 'credential'
  /** A command's name (`run`): only its base name is kept, never its arguments. */
  command?: string
  /** A file format (`export`): `dotenv`, `references` ... */
  format?: string
  count?: number
}

export interface AuditDetail {
  field?: string
  history?: number
  command?: string
  format?: string
  count?: number
  version?: number
  /** A failed unlock, written while locked and folded into the chain at the next unlock. */
  recordedLocked?: boolean
  /** When this record was added, the log's end was not the one its head vouched for. */
  tailCut?: boolean
}

/** One record as listed. */
export interface AuditRecord {
  seq: number
  at: number
  actor: string
  user: string
  action: string
  entryId: string | null
  detail: AuditDetail
}

export type AuditVerification =
  { ok: true; count: number } | { ok: false; count: number; seq: number; problem: string }

/** Who acts in this process: its kind and the OS user running it. */
export interface AuditWho {
  actor: AuditActor
  user: string
}

export function auditWho(actor?: AuditActor): AuditWho {
  let user: string
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (some containers): the environment's word is the best there is.
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
  return { actor: actor ?? (process.versions.electron ? 'app' : 'cli'), user: user.slice(0, 64) }
}

/** How many failed unlocks one unlock folds record by record; the rest become one count. */
const FOLD_LIMIT = 1000
const LINK_BYTES = 32
const EMPTY = Buffer.alloc(0)

interface NewRecord {
  action: AuditAction
  entryId?: string | null
  detail?: AuditDetail
  at?: number
  actor?: string
  user?: string
}

/** HMAC-SHA512 of one record and the previous link: [link (32 bytes), head tag (32 bytes)]. */
function chainMac(
  key: Uint8Array,
  vaultId: string,
  r: Omit<AuditRow, 'link'>,
  previous: Uint8Array,
): Buffer {
  const fields = [vaultId, r.seq, r.at, r.actor, r.os_user, r.action, r.entry_id, r.detail]
  return createHmac('sha512', key)
    .update(`keywarden-audit/v1\0${JSON.stringify(fields)}\0`)
    .update(previous)
    .digest()
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The base name of a command (argv[0]), checked to be printable; never its arguments. */
function commandName(command: unknown): string {
  if (typeof command !== 'string' || command.length > 4096)
    throw new InvalidInputError('The command name for the audit log must be text.')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(command))
    throw new InvalidInputError('The command name for the audit log must be printable text.')
  // The first word only: a caller handing over a whole command line must not log its arguments.
  return basename(command.trim().split(/\s/)[0]).slice(0, 64)
}

function detailText(d: AuditDetail | undefined): string | null {
  if (!d) return null
  const out: AuditDetail = {}
  for (const [k, v] of Object.entries(d)) if (v !== undefined) Object.assign(out, { [k]: v })
  return Object.keys(out).length === 0 ? null : JSON.stringify(out)
}

function detailOf(text: string | null): AuditDetail {
  if (text === null) return {}
  try {
    const d: unknown = JSON.parse(text)
    return typeof d === 'object' && d !== null ? (d as AuditDetail) : {}
  } catch {
    return {}
  }
}

/**
 * The audit log of one open vault. Records only while it holds the audit key (unlocked), except
 * failed unlocks, which wait in audit_pending.
 */
export class AuditTrail {
  private readonly store: AuditStore
  private key: Uint8Array | null = null
  /** The head this process last wrote: while the file still has it, the tail needs no check. */
  private known: { seq: number; tag: Uint8Array } | null = null

  constructor(
    private readonly vault: VaultStore,
    private readonly vaultId: string,
    private readonly who: AuditWho,
    private readonly now: () => number,
  ) {
    this.store = new AuditStore(vault.db)
  }

  /** Unlocked: derive the audit key from the vault key. */
  start(vaultKey: Uint8Array): void {
    this.stop()
    this.known = null
    this.key = deriveSubkey(vaultKey, 'audit/v1')
  }

  /** Locked: zero the audit key. */
  stop(): void {
    wipe(this.key)
    this.key = null
  }

  /** Pass on the result of a password try, first noting a wrong password. */
  async countFailure<T>(attempt: Promise<T>): Promise<T> {
    try {
      return await attempt
    } catch (error) {
      if (error instanceof WrongPasswordError) this.failedUnlock()
      throw error
    }
  }

  /**
   * A wrong password, while locked. A failure to write it is swallowed: the user must hear
   * "wrong password", and the back-off counter in the header has counted the try anyway.
   */
  private failedUnlock(): void {
    try {
      this.store.writeTransaction(() =>
        this.store.addPending(this.now(), this.who.actor, this.who.user),
      )
    } catch {
      // See above.
    }
  }

  /** A new vault: the first record, before the first integrity record, whose MAC then covers it. */
  created(): void {
    this.append([{ action: 'create' }])
  }

  /** A successful unlock: fold the failed unlocks waiting since, then record this one. */
  unlocked(): void {
    this.store.writeTransaction(() => {
      const pending = this.store.pending(FOLD_LIMIT)
      const records: NewRecord[] = pending.map((p) => ({
        action: 'unlock-failed',
        // Written without a key: only well-formed values are carried into the chain.
        at: Number.isSafeInteger(p.at) ? p.at : 0,
        actor: (AUDIT_ACTORS as readonly string[]).includes(p.actor) ? p.actor : 'unknown',
        user: String(p.os_user).slice(0, 64),
        detail: { recordedLocked: true },
      }))
      const more = pending.length < FOLD_LIMIT ? 0 : this.store.pendingCount() - pending.length
      if (more > 0)
        records.push({ action: 'unlock-failed', detail: { count: more, recordedLocked: true } })
      records.push({ action: 'unlock' })
      this.append(records)
      if (pending.length > 0) this.store.clearPending()
    })
  }

  /** A secret field left the vault (`history`: a previous credential's index). */
  revealed(entryId: string, field: string, use: RevealUse, history?: number): void {
    const detail: AuditDetail = { field, history }
    if (use.command !== undefined) detail.command = commandName(use.command)
    const as = use.as ?? 'reveal'
    if (!['reveal', 'copy', 'get', 'run', 'inject', 'export'].includes(as))
      throw new InvalidInputError(
        'A reveal is recorded as reveal, copy, get, run, inject or export.',
      )
    this.append([{ action: as, entryId, detail }])
  }

  /** Inside an entry write's transaction: one record per entry it put or removed. */
  wrote(
    action: 'add' | 'edit' | 'rotate' | 'import' | 'remove',
    result: { put: readonly { row: { id: string; version: number } }[]; removed: string[] },
  ): void {
    const records: NewRecord[] = result.put.map((p) => ({
      action,
      entryId: p.row.id,
      detail: { version: p.row.version },
    }))
    for (const id of result.removed) records.push({ action: 'remove', entryId: id })
    if (records.length > 0) this.append(records)
  }

  /** An event from outside the vault; `isEntry` says whether an id names an entry. */
  record(event: AuditEvent, isEntry: (id: string) => boolean): void {
    if (typeof event !== 'object' || event === null)
      throw new InvalidInputError('An audit event must be an object.')
    if (!(EXTERNAL_ACTIONS as readonly string[]).includes(event.action))
      throw new InvalidInputError(
        `An audit event's action is one of ${EXTERNAL_ACTIONS.join(', ')}.`,
      )
    const ids = event.entryIds ?? []
    // An id is checked, never echoed: a name passed by mistake must not reach the log or a message.
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && isEntry(id)))
      throw new InvalidInputError(
        'An audit event names entries by id, and only entries of this vault.',
      )
    if (event.format !== undefined && !/^[a-z0-9][a-z0-9-]{0,31}$/.test(event.format))
      throw new InvalidInputError('An audit event format is a short lower-case word.')
    if (event.count !== undefined && !(Number.isSafeInteger(event.count) && event.count >= 0))
      throw new InvalidInputError('An audit event count is a whole number.')
    if (event.field !== undefined && !['key', 'secret', 'id', 'credential'].includes(event.field))
      throw new InvalidInputError('An audit event field is key, secret, id or credential.')
    const detail: AuditDetail = { field: event.field, format: event.format, count: event.count }
    if (event.command !== undefined) detail.command = commandName(event.command)
    const targets = ids.length > 0 ? ids : [null]
    this.append(targets.map((entryId) => ({ action: event.action, entryId, detail })))
  }

  /** The records, oldest first, optionally only those of one entry or since a time. */
  list(filter: { entryId?: string; since?: number } = {}): AuditRecord[] {
    this.requireKey()
    const out: AuditRecord[] = []
    for (const r of this.store.rows()) {
      if (filter.entryId !== undefined && r.entry_id !== filter.entryId) continue
      if (filter.since !== undefined && r.at < filter.since) continue
      out.push({
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        user: r.os_user,
        action: r.action,
        entryId: r.entry_id,
        detail: detailOf(r.detail),
      })
    }
    return out
  }

  /**
   * Walk the chain; the first broken link is named by its record number. `integrityKey` is the
   * vault's integrity MAC key: it vouches for the number of the last record at the last commit.
   */
  verify(integrityKey: Uint8Array): AuditVerification {
    const key = this.requireKey()
    let expected = 1
    let previous: Uint8Array = EMPTY
    let tag: Uint8Array | null = null
    const broken = (seq: number, problem: string): AuditVerification => ({
      ok: false,
      count: expected - 1,
      seq,
      problem,
    })
    for (const row of this.store.rows()) {
      if (row.seq !== expected) {
        const gap = row.seq - 1 > expected ? `records ${expected} to ${row.seq - 1} are` : 'it is'
        return broken(expected, `${gap} missing: removed from the middle of the log.`)
      }
      const mac = chainMac(key, this.vaultId, row, previous)
      if (!(row.link instanceof Uint8Array) || !same(row.link, mac.subarray(0, LINK_BYTES)))
        return broken(
          row.seq,
          'it does not match its MAC: it was edited, forged, moved, or a record before it was replaced.',
        )
      if (detailOf(row.detail).tailCut)
        return broken(
          row.seq,
          'when it was added, the end of the log had been cut off or its head changed: records before it were removed.',
        )
      previous = row.link
      tag = mac.subarray(LINK_BYTES)
      expected++
    }
    const count = expected - 1
    const head = this.store.head()
    if (count > 0 && !head)
      return broken(count, 'the log has no head record: its end cannot be vouched for.')
    if (head && head.seq > count)
      return broken(
        count + 1,
        `records ${count + 1} to ${head.seq} are missing: the end of the log was cut off.`,
      )
    if (head && head.seq < count)
      return broken(
        head.seq + 1,
        'the head says the log ends before this record: the head was edited or put back.',
      )
    if (head && tag && !same(head.tag, tag))
      return broken(
        count,
        'the head does not vouch for this record as the last: the end of the log was cut off and the head edited.',
      )
    const integrity = readIntegrity(this.vault.header() as HeaderRow, integrityKey)
    if (integrity.state === 'damaged')
      return broken(
        count + 1,
        "the vault's integrity record was modified outside Keywarden, so the log's length cannot be vouched for.",
      )
    const anchor = (this.vault.header() as HeaderRow).audit_seq
    if (integrity.state === 'ok' && anchor !== null && anchor > count)
      return broken(
        count + 1,
        `the vault's integrity record vouches for ${anchor} records but only ${count} are left: the end of the log was removed.`,
      )
    return { ok: true, count }
  }

  /** Append records in one write transaction (joining the caller's, if any). */
  private append(records: readonly NewRecord[]): void {
    const key = this.requireKey()
    this.store.writeTransaction(() => {
      const last = this.store.last()
      let seq = last?.seq ?? 0
      let previous: Uint8Array = last?.link ?? EMPTY
      let tag: Uint8Array = EMPTY
      // A cut-off end would be hidden by the head this append writes: say so in the record.
      const cut = !this.tailIntact(key, last)
      for (const r of records) {
        if (cut && r === records[0]) r.detail = { ...r.detail, tailCut: true }
        const row: Omit<AuditRow, 'link'> = {
          seq: ++seq,
          at: r.at ?? this.now(),
          actor: r.actor ?? this.who.actor,
          os_user: r.user ?? this.who.user,
          action: r.action,
          entry_id: r.entryId ?? null,
          detail: detailText(r.detail),
        }
        const mac = chainMac(key, this.vaultId, row, previous)
        previous = mac.subarray(0, LINK_BYTES)
        tag = mac.subarray(LINK_BYTES)
        this.store.insert({ ...row, link: previous })
      }
      this.store.setHead(seq, tag)
      this.known = { seq, tag }
    })
  }

  /**
   * Whether the log ends where its head (and the integrity record's anchor) say. Checked before
   * every append: once a new head is written, records cut off before it could not be noticed.
   */
  private tailIntact(key: Uint8Array, last: AuditRow | undefined): boolean {
    const head = this.store.head()
    if (!last) return !head && (this.store.anchor() ?? 0) === 0
    if (!head || head.seq !== last.seq) return false
    if (this.known && this.known.seq === head.seq && same(this.known.tag, head.tag)) return true
    // The anchor sits after the manifest in the header row (a long read at 100k entries): it is
    // read only when this process did not write the head it finds.
    if ((this.store.anchor() ?? 0) > last.seq) return false
    // Another process appended since (or nobody here yet): recompute the head from the last row.
    const before = last.seq > 1 ? this.store.linkOf(last.seq - 1) : EMPTY
    if (!before) return false
    return same(chainMac(key, this.vaultId, last, before).subarray(LINK_BYTES), head.tag)
  }

  private requireKey(): Uint8Array {
    if (!this.key) throw new LockedError()
    return this.key
  }
}
