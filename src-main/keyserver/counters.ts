/**
 * One namespace's in-memory counters (usage per key, credits and tests spent per account, rate-limit windows
 * that must survive a restart). Requests only touch the Map; dirty entries are handed to storage
 * in one batch by the flusher, never one synchronous write per request. Each write carries what
 * `add` contributed since the last flush, so a shared backend can add the deltas of several
 * instances, and the shared totals it reads back replace the local values (plus what is not yet
 * flushed).
 */
import type { CounterRow, CounterWrite } from './storage/types'

const SEP = '\u0000'

export class CounterStore {
  private readonly values = new Map<string, number>()
  private readonly dirty = new Set<string>()
  /** Per dirty counter, what `add` contributed since the last flush. */
  private readonly deltas = new Map<string, number>()
  /** Counters `set` since the last flush (their value replaces the stored one). */
  private readonly absolute = new Set<string>()

  constructor(
    readonly namespace = 'default',
    initial: CounterRow[] = [],
  ) {
    this.replaceAll(initial)
  }

  /** Replace every value with loaded rows (nothing pending is kept). */
  replaceAll(rows: CounterRow[]): void {
    this.clear()
    for (const row of rows) this.values.set(row.scope + SEP + row.name, Number(row.value))
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
    this.deltas.set(k, (this.deltas.get(k) ?? 0) + delta)
    return v
  }

  /** Set a value (e.g. a last-used time). */
  set(scope: string, name: string, value: number): void {
    const k = scope + SEP + name
    this.values.set(k, value)
    this.dirty.add(k)
    this.absolute.add(k)
  }

  /** Forget one counter (e.g. an old rate window), in memory and at the next flush. */
  delete(scope: string, name: string): void {
    const k = scope + SEP + name
    if (this.values.delete(k)) {
      this.dirty.add(k)
      this.deltas.delete(k)
      this.absolute.delete(k)
    }
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

  /** The changed counters since the last call, for one flush (restore them if it fails). */
  takeWrites(): CounterWrite[] {
    if (this.dirty.size === 0) return []
    const out: CounterWrite[] = []
    for (const k of this.dirty) {
      const [scope, name] = k.split(SEP) as [string, string]
      const v = this.values.get(k)
      out.push({
        scope,
        name,
        value: v ?? 0,
        deleted: v === undefined,
        delta: this.deltas.get(k) ?? 0,
        absolute: this.absolute.has(k),
      })
    }
    this.dirty.clear()
    this.deltas.clear()
    this.absolute.clear()
    return out
  }

  /** Put back writes a failed flush did not store: nothing is lost, they go with the next one. */
  restore(writes: CounterWrite[]): void {
    for (const w of writes) {
      const k = w.scope + SEP + w.name
      this.dirty.add(k)
      if (w.delta !== 0) this.deltas.set(k, (this.deltas.get(k) ?? 0) + w.delta)
      if (w.absolute) this.absolute.add(k)
    }
  }

  /** A shared total read back from storage: it replaces ours, plus what we have not flushed. */
  applyShared(scope: string, name: string, value: number): void {
    const k = scope + SEP + name
    if (this.absolute.has(k)) return
    this.values.set(k, value + (this.deltas.get(k) ?? 0))
  }

  /** Drop everything (the admin reset); the caller clears the table. */
  clear(): void {
    this.values.clear()
    this.dirty.clear()
    this.deltas.clear()
    this.absolute.clear()
  }
}
