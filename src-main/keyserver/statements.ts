/**
 * One prepared statement per SQL text and database, shared by every namespace's repositories
 * (each passes its namespace as a parameter). Preparing them per namespace cost ~90 KB of memory
 * a namespace, most of it in SQLite's compiled statements.
 */
import type { Db, Statement } from '../db/sqlite'

const cache = new WeakMap<Db, Map<string, Statement>>()

/** The prepared statement for `sql` on `db`, prepared once. */
export function prepared(db: Db, sql: string): Statement {
  let byText = cache.get(db)
  if (!byText) {
    byText = new Map()
    cache.set(db, byText)
  }
  let stmt = byText.get(sql)
  if (!stmt) {
    stmt = db.prepare(sql)
    byText.set(sql, stmt)
  }
  return stmt
}
