/** First schema of the key server database: users, projects, keys, policies, counters, log. */
import type { Migration } from '../../db/sqlite'

export const m0010Initial: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        email TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE keys (
        id TEXT PRIMARY KEY,
        style TEXT NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),
        level TEXT,
        project_id INTEGER,
        api_type TEXT,
        read_only INTEGER NOT NULL DEFAULT 0,
        key_hash TEXT NOT NULL UNIQUE,
        display_prefix TEXT NOT NULL,
        last4 TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoke_at INTEGER,
        revoked_at INTEGER,
        replaced_by TEXT
      ) STRICT;
      CREATE INDEX keys_by_owner ON keys (style, owner);
      CREATE TABLE policies (
        owner TEXT PRIMARY KEY,
        json TEXT NOT NULL
      ) STRICT;
      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        json TEXT NOT NULL
      ) STRICT;
      CREATE TABLE counters (
        scope TEXT NOT NULL,
        name TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (scope, name)
      ) STRICT;
      CREATE TABLE request_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        style TEXT,
        key_id TEXT,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL
      ) STRICT;
    `)
  },
}
