/**
 * Schema 2: entry versions and the vault's integrity record.
 *
 * - `entries.version` counts an entry's writes. It is bound into the associated data of the
 *   entry's sealed fields, and every write compares and sets it inside its transaction, so two
 *   processes never silently overwrite each other. Rows written before this step keep version 0
 *   (their ciphertext was sealed without a version) until their next write.
 * - The header gains a commit counter, the time of the last commit, a manifest of every entry's
 *   id and version, and a MAC over them made with a key derived from the vault key. Unlock checks
 *   them, so a replayed or deleted row and a whole file put back are noticed. A vault migrated
 *   here has no MAC yet; the first unlock writes one.
 */
import type { Db, Migration } from '../../db/sqlite'

export const m0002VersionsIntegrity: Migration = {
  version: 2,
  name: 'versions-integrity',
  up(db: Db): void {
    db.exec(`
      ALTER TABLE entries ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE vault_header ADD COLUMN commit_counter INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE vault_header ADD COLUMN commit_at INTEGER;
      ALTER TABLE vault_header ADD COLUMN manifest BLOB;
      ALTER TABLE vault_header ADD COLUMN integrity_mac BLOB;
    `)
  },
}
