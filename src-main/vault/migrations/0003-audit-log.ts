/**
 * Schema 3: the audit log (audit.ts), in the vault file itself.
 *
 * - `audit_log`: one row per event, numbered from 1. Each row's `link` is the first half of an
 *   HMAC-SHA512 (keyed from the vault key) over the row and the previous row's link: a hash
 *   chain, so an edited, reordered, removed or forged row is found by walking it.
 * - `audit_head`: the number of the last row and the second half of that row's HMAC. That half
 *   is never stored anywhere else, so cutting rows off the end cannot be hidden by pointing the
 *   head at an earlier row.
 * - `audit_pending`: failed unlocks, written while the vault is locked (no key to MAC them
 *   with) and folded into the chain at the next successful unlock.
 * - `vault_header.audit_seq`: the last row as of the last entry commit, covered by the
 *   integrity record's MAC, so removing the whole log (head included) is noticed too.
 */
import type { Db, Migration } from '../../db/sqlite'

export const m0003AuditLog: Migration = {
  version: 3,
  name: 'audit-log',
  up(db: Db): void {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        os_user TEXT NOT NULL,
        action TEXT NOT NULL,
        entry_id TEXT,
        detail TEXT,
        link BLOB NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_entry ON audit_log (entry_id);

      CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        tag BLOB NOT NULL
      ) STRICT;

      CREATE TABLE audit_pending (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        os_user TEXT NOT NULL
      ) STRICT;

      ALTER TABLE vault_header ADD COLUMN audit_seq INTEGER;
    `)
  },
}
