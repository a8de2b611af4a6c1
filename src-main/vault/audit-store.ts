/**
 * The audit tables' repository (schema in migrations/0003-audit-log.ts): prepared statements
 * only, values always bound. It moves rows; the chain and its MACs are audit.ts's job.
 */
import type { Db, Statement } from '../db/sqlite'

/** One audit record as stored. `detail` is JSON text (or null) exactly as it was MAC'd. */
export interface AuditRow {
  seq: number
  at: number
  actor: string
  os_user: string
  action: string
  entry_id: string | null
  detail: string | null
  link: Uint8Array
}

/** A failed unlock written while locked, waiting to be folded into the chain. */
export interface PendingRow {
  id: number
  at: number
  actor: string
  os_user: string
}

export class AuditStore {
  private readonly s: Record<string, Statement>

  constructor(readonly db: Db) {
    const p = (sql: string): Statement => db.prepare(sql)
    this.s = {
      // The primary key's b-tree gives the last row directly: an append never scans the log.
      last: p('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1'),
      link: p('SELECT link FROM audit_log WHERE seq = ?').pluck(),
      insert: p(
        `INSERT INTO audit_log (seq, at, actor, os_user, action, entry_id, detail, link)
         VALUES (@seq, @at, @actor, @os_user, @action, @entry_id, @detail, @link)`,
      ),
      head: p('SELECT seq, tag FROM audit_head WHERE id = 1'),
      setHead: p(
        `INSERT INTO audit_head (id, seq, tag) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, tag = excluded.tag`,
      ),
      all: p('SELECT * FROM audit_log ORDER BY seq'),
      anchor: p('SELECT audit_seq FROM vault_header WHERE id = 1').pluck(),
      addPending: p('INSERT INTO audit_pending (at, actor, os_user) VALUES (?, ?, ?)'),
      pending: p('SELECT * FROM audit_pending ORDER BY id LIMIT ?'),
      pendingCount: p('SELECT count(*) FROM audit_pending').pluck(),
      clearPending: p('DELETE FROM audit_pending'),
    }
  }

  /** Run `fn` holding the write lock (BEGIN IMMEDIATE); inside a transaction, join it. */
  writeTransaction<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate()
  }

  last(): AuditRow | undefined {
    return this.s.last.get() as AuditRow | undefined
  }
  linkOf(seq: number): Uint8Array | undefined {
    return this.s.link.get(seq) as Uint8Array | undefined
  }
  insert(row: AuditRow): void {
    this.s.insert.run(row)
  }
  head(): { seq: number; tag: Uint8Array } | undefined {
    return this.s.head.get() as { seq: number; tag: Uint8Array } | undefined
  }
  setHead(seq: number, tag: Uint8Array): void {
    this.s.setHead.run(seq, tag)
  }
  /** Every record, oldest first, one at a time (a long log is never held whole). */
  rows(): IterableIterator<AuditRow> {
    return this.s.all.iterate() as IterableIterator<AuditRow>
  }
  /** The last record as of the last entry commit (vault_header.audit_seq; integrity.ts MACs it). */
  anchor(): number | null {
    return (this.s.anchor.get() as number | null | undefined) ?? null
  }

  addPending(at: number, actor: string, osUser: string): void {
    this.s.addPending.run(at, actor, osUser)
  }
  pending(limit: number): PendingRow[] {
    return this.s.pending.all(limit) as PendingRow[]
  }
  pendingCount(): number {
    return this.s.pendingCount.get() as number
  }
  clearPending(): void {
    this.s.clearPending.run()
  }
}
