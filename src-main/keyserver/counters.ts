/**
 * One namespace's in-memory counters (usage per key, credits and tests spent per account, rate-limit windows
 * that must survive a restart). Requests only touch the Map; dirty entries are written to
 * SQLite in one transaction by the flusher, never one synchronous disk write per request.
 */
import type { Db, Statement } from '../db/sqlite'
import { prepared } from './statements'

const SEP = '\u0000'

export class CounterStore {
  private readonly values = new Map<string, number>()
  private readonly dirty = new Set<string>()
  private readonly upsert: Statement
  private readonly remove: Statement

  constructor(
    private readonly db: Db,
    readonly namespace = 'default',
  ) {
    this.upsert = prepared(
      db,
      'INSERT INTO counters (namespace, scope, name, value) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, scope, name) DO UPDATE SET value = excluded.value',
    )
    this.remove = prepared(
      db,
      'DELETE FROM counters WHERE namespace = ? AND scope = ? AND name = ?',
    )
    const rows = prepared(db, 'SELECT scope, name, value FROM counters WHERE namespace = ?').all(
      namespace,
    )
    for (const row of rows as {
      scope: string
      name: string
      value: number
    }[])
      this.values.set(row.scope + SEP + row.name, row.value)
  }

  /** Current value (0 when never set). */
  get(scope: string, name: string): number {
    return this.values.get(scope + SEP + name) ?? 0
  }

  /** Add `delta` and return the new value. */
  add(scope: string, name: string, delta = 1): number {
    const k = scope + SEP + name
    const v = (this.values.get(k) ?? 0) + delta
    this.values.set(k, v)
    this.dirty.add(k)
    return v
  }

  /** Set a value (e.g. a last-used time). */
  set(scope: string, name: string, value: number): void {
    const k = scope + SEP + name
    this.values.set(k, value)
    this.dirty.add(k)
  }

  /** Forget one counter (e.g. an old rate window), in memory and at the next flush. */
  delete(scope: string, name: string): void {
    const k = scope + SEP + name
    if (this.values.delete(k)) this.dirty.add(k)
  }

  /** Every counter of a scope, as name → value. */
  scope(scope: string): Record<string, number> {
    const out: Record<string, number> = {}
    const prefix = scope + SEP
    for (const [k, v] of this.values) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
    return out
  }

  /** Every counter, grouped by scope. */
  all(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {}
    for (const [k, v] of this.values) {
      const [scope, name] = k.split(SEP) as [string, string]
      ;(out[scope] ??= {})[name] = v
    }
    return out
  }

  /** Write every changed counter in one transaction. */
  flush(): void {
    if (this.dirty.size === 0) return
    const keys = [...this.dirty]
    this.dirty.clear()
    try {
      this.db.transaction(() => {
        for (const k of keys) {
          const [scope, name] = k.split(SEP) as [string, string]
          const v = this.values.get(k)
          if (v === undefined) this.remove.run(this.namespace, scope, name)
          else this.upsert.run(this.namespace, scope, name, v)
        }
      })()
    } catch (error) {
      // Nothing is lost: the values are still in memory and go out with the next flush.
      for (const k of keys) this.dirty.add(k)
      throw error
    }
  }

  /** Drop everything (the admin reset); the caller clears the table. */
  clear(): void {
    this.values.clear()
    this.dirty.clear()
  }
}
