/** Stamps the key server database with its application_id, so a foreign file is refused untouched. */
import type { Migration } from '../../db/sqlite'

/** Marks a SQLite file as a Keywarden key server database ('KWKS'). */
export const KEYSERVER_APPLICATION_ID = 0x4b574b53

export const m0011ApplicationId: Migration = {
  version: 11,
  name: 'application-id',
  applicationId: KEYSERVER_APPLICATION_ID,
  up(db) {
    db.pragma(`application_id = ${KEYSERVER_APPLICATION_ID}`)
  },
}
