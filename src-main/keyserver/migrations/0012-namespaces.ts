/**
 * Namespaces: every table gains the namespace its rows belong to (today's rows go to
 * `default`), the keys that were unique server-wide become unique per namespace, and a table
 * holds each namespace's seed, clock offset and fault rules. BlazeMeter's projects and tests get
 * a table of their own.
 */
import type { Migration } from '../../db/sqlite'

export const m0012Namespaces: Migration = {
  version: 12,
  name: 'namespaces',
  up(db) {
    db.exec(`
      CREATE TABLE namespaces (
        name TEXT PRIMARY KEY,
        seed TEXT,
        clock_offset_ms INTEGER NOT NULL DEFAULT 0,
        faults TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO namespaces (name, created_at) VALUES ('default', CAST(unixepoch('subsec') * 1000 AS INTEGER));

      ALTER TABLE keys ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
      CREATE INDEX keys_by_namespace ON keys (namespace);

      CREATE TABLE users_v12 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace TEXT NOT NULL DEFAULT 'default',
        name TEXT NOT NULL,
        display_name TEXT NOT NULL,
        email TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (namespace, name)
      ) STRICT;
      INSERT INTO users_v12 (id, name, display_name, email, created_at)
        SELECT id, name, display_name, email, created_at FROM users;
      DROP TABLE users;
      ALTER TABLE users_v12 RENAME TO users;

      CREATE TABLE projects_v12 (
        namespace TEXT NOT NULL DEFAULT 'default',
        id INTEGER NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, id)
      ) STRICT;
      INSERT INTO projects_v12 (id, owner, name, created_at)
        SELECT id, owner, name, created_at FROM projects;
      DROP TABLE projects;
      ALTER TABLE projects_v12 RENAME TO projects;

      CREATE TABLE policies_v12 (
        namespace TEXT NOT NULL DEFAULT 'default',
        owner TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (namespace, owner)
      ) STRICT;
      INSERT INTO policies_v12 (owner, json) SELECT owner, json FROM policies;
      DROP TABLE policies;
      ALTER TABLE policies_v12 RENAME TO policies;

      CREATE TABLE settings_v12 (
        namespace TEXT NOT NULL DEFAULT 'default',
        name TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (namespace, name)
      ) STRICT;
      INSERT INTO settings_v12 (name, json) SELECT name, json FROM settings;
      DROP TABLE settings;
      ALTER TABLE settings_v12 RENAME TO settings;

      CREATE TABLE counters_v12 (
        namespace TEXT NOT NULL DEFAULT 'default',
        scope TEXT NOT NULL,
        name TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (namespace, scope, name)
      ) STRICT;
      INSERT INTO counters_v12 (scope, name, value) SELECT scope, name, value FROM counters;
      DROP TABLE counters;
      ALTER TABLE counters_v12 RENAME TO counters;

      ALTER TABLE request_log ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE request_log ADD COLUMN fault TEXT;

      CREATE TABLE blazemeter_items (
        namespace TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('project', 'test')),
        id INTEGER NOT NULL,
        owner TEXT NOT NULL,
        parent_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, kind, id)
      ) STRICT;
    `)
  },
}
