/**
 * Schema 1: the vault header, entries, their history, reminder bookkeeping and settings.
 * Clear columns are only what reminders need while the vault is locked (architecture.md); every
 * *_ct column is nonce || XChaCha20-Poly1305 ciphertext || tag, bound to its row and column.
 */
import { ForeignDatabaseError, type Db, type Migration } from '../../db/sqlite'

/** Marks a SQLite file as a Keywarden vault ('KWVT'). */
export const VAULT_APPLICATION_ID = 0x4b575654

export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  applicationId: VAULT_APPLICATION_ID,
  up(db: Db): void {
    // Never turn somebody else's database into a vault: only an empty file gets our schema.
    const tables = db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }
    if (tables.n > 0) throw new ForeignDatabaseError(db.name)
    db.pragma(`application_id = ${VAULT_APPLICATION_ID}`)
    db.exec(`
      CREATE TABLE vault_header (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        vault_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        kdf_alg TEXT NOT NULL,
        kdf_ops INTEGER NOT NULL,
        kdf_mem INTEGER NOT NULL,
        kdf_salt BLOB NOT NULL,
        wrapped_key BLOB NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        last_failure_at INTEGER
      ) STRICT;

      CREATE TABLE entries (
        id TEXT PRIMARY KEY,
        style TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        last_rotated_at INTEGER NOT NULL,
        rotation_policy_days INTEGER,
        last_check_status TEXT,
        last_check_at INTEGER,
        meta_ct BLOB NOT NULL,
        key_ct BLOB NOT NULL,
        secret_ct BLOB
      ) STRICT;
      CREATE INDEX entries_expires_at ON entries (expires_at);

      CREATE TABLE entry_history (
        entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        rotated_at INTEGER NOT NULL,
        key_ct BLOB NOT NULL,
        secret_ct BLOB,
        PRIMARY KEY (entry_id, seq)
      ) STRICT;

      CREATE TABLE reminder_state (
        entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        notified_at INTEGER,
        snoozed_until INTEGER,
        dismissed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (entry_id, kind, threshold)
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `)
  },
}
