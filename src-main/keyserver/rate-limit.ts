/**
 * Fixed-window rate limits kept in memory (Similarweb 10/s per key; Userplane 120/min per
 * user). Windows shorter than a minute need not survive a restart; the Userplane daily count
 * does and lives in the counter store. On a shared backend each window also knows what the
 * other instances counted in it (read back with every flush), so a limit holds across the
 * fleet to within one flush interval, without a round trip per request.
 */
import type { RateWrite } from './storage/types'

interface Window {
  start: number
  windowMs: number
  /** Requests this instance let through in the window. */
  count: number
  /** Of those, how many no flush has carried yet. */
  unflushed: number
  /** Requests the other instances let through (as of the last read-back). */
  remote: number
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>()

  /**
   * Count a request in the window of `windowMs` containing `now`; false when the window already
   * holds `limit` requests (a refused request is not counted).
   */
  take(key: string, limit: number, windowMs: number, now: number): boolean {
    const start = now - (now % windowMs)
    let w = this.windows.get(key)
    if (!w || w.start !== start) {
      w = { start, count: 0, windowMs, unflushed: 0, remote: 0 }
      this.windows.set(key, w)
      if (this.windows.size > 100_000) this.prune(now)
    }
    if (w.count + w.remote >= limit) return false
    w.count++
    w.unflushed++
    return true
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.start + w.windowMs < now) this.windows.delete(k)
  }

  /** Requests counted since the last flush, per window (for a shared backend). */
  takeWrites(): RateWrite[] {
    const out: RateWrite[] = []
    for (const [key, w] of this.windows)
      if (w.unflushed > 0) {
        out.push({ key, start: w.start, windowMs: w.windowMs, delta: w.unflushed })
        w.unflushed = 0
      }
    return out
  }

  /** Put back what a failed flush did not store. */
  restore(writes: RateWrite[]): void {
    for (const r of writes) {
      const w = this.windows.get(r.key)
      if (w && w.start === r.start) w.unflushed += r.delta
    }
  }

  /** A window's total over every instance, as storage holds it now. */
  applyTotal(key: string, start: number, windowMs: number, total: number): void {
    let w = this.windows.get(key)
    if (!w || w.start < start) {
      w = { start, count: 0, windowMs, unflushed: 0, remote: 0 }
      this.windows.set(key, w)
    }
    if (w.start !== start) return
    // The stored total holds what this instance flushed; the rest is the others'.
    w.remote = Math.max(0, total - (w.count - w.unflushed))
  }

  clear(): void {
    this.windows.clear()
  }
}
