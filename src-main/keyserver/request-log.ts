/**
 * The request log the UI shows: a ring of recent entries in memory, listeners notified as
 * requests complete, and new entries handed to storage in batches by the flusher.
 * Entries carry the path without its query string (Similarweb keys ride in it) and the key's
 * record id, never a key or secret.
 */
export interface RequestLogEntry {
  time: number
  method: string
  /** Path without the query string. */
  path: string
  style: string | null
  keyId: string | null
  status: number
  outcome: string
  /**
   * The namespace the request reached ('default' for the paths without /ns/<name>). Optional in
   * the type only so that readers written before namespaces still type-check; always set here.
   */
  namespace?: string
  /** The injected fault the request met (kind and rule), or null. */
  fault?: string | null
}

export const RING_SIZE = 1000
/**
 * Most entries written per flush (one a second). Under load (tens of thousands of requests a
 * second) writing every entry would stall the event loop each second only to prune them again
 * (1000 rows took ~1.5 ms, a p99 hazard at 50 connections; 250 take ~0.4 ms); the newest ones
 * are what the UI shows (from memory), and usage counters still count every request.
 */
const MAX_PER_FLUSH = 250

export class RequestLog {
  private ring: RequestLogEntry[] = []
  private pending: RequestLogEntry[] = []
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>()

  /** `initial`: the newest stored entries, oldest first (what the UI shows after a restart). */
  constructor(initial: RequestLogEntry[] = []) {
    this.ring = initial.slice(-RING_SIZE)
  }

  /** Record one request (memory only; the flusher persists it). */
  add(entry: RequestLogEntry): void {
    this.ring.push(entry)
    if (this.ring.length > RING_SIZE * 2) this.ring = this.ring.slice(-RING_SIZE)
    this.pending.push(entry)
    if (this.pending.length > MAX_PER_FLUSH * 2) this.pending = this.pending.slice(-MAX_PER_FLUSH)
    for (const listener of this.listeners) {
      try {
        listener(entry)
      } catch {
        // A failing UI listener must not fail the request it is told about.
      }
    }
  }

  /** The most recent entries, oldest first; of one namespace when it is named. */
  recent(limit = 100, namespace?: string): RequestLogEntry[] {
    const n = Math.max(0, Math.min(limit, RING_SIZE))
    if (n === 0) return []
    if (namespace === undefined) return this.ring.slice(-n)
    const out: RequestLogEntry[] = []
    for (let i = this.ring.length - 1; i >= 0 && out.length < n; i--)
      if ((this.ring[i]!.namespace ?? 'default') === namespace) out.push(this.ring[i]!)
    return out.reverse()
  }

  /** Subscribe to new entries; returns the unsubscribe for this exact listener. */
  subscribe(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** The entries to write in one flush (restore them if it fails). */
  takeBatch(): RequestLogEntry[] {
    if (this.pending.length === 0) return []
    const batch = this.pending.slice(-MAX_PER_FLUSH)
    this.pending = []
    return batch
  }

  /** Keep a batch a failed flush did not store for the next one, rather than drop it. */
  restore(batch: RequestLogEntry[]): void {
    this.pending = batch.concat(this.pending)
  }

  /** Drop one namespace's entries from memory (its reset or removal); the caller clears the table. */
  clear(namespace: string): void {
    const keep = (e: RequestLogEntry) => (e.namespace ?? 'default') !== namespace
    this.ring = this.ring.filter(keep)
    this.pending = this.pending.filter(keep)
  }
}
