/**
 * Fixed-window rate limits kept in memory (Similarweb 10/s per key; Userplane 120/min per
 * user). Windows shorter than a minute need not survive a restart; the Userplane daily count
 * does and lives in the counter store.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; windowMs: number }>()

  /**
   * Count a request in the window of `windowMs` containing `now`; false when the window already
   * holds `limit` requests (a refused request is not counted).
   */
  take(key: string, limit: number, windowMs: number, now: number): boolean {
    const start = now - (now % windowMs)
    let w = this.windows.get(key)
    if (!w || w.start !== start) {
      w = { start, count: 0, windowMs }
      this.windows.set(key, w)
      if (this.windows.size > 100_000) this.prune(now)
    }
    if (w.count >= limit) return false
    w.count++
    return true
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.start + w.windowMs < now) this.windows.delete(k)
  }

  clear(): void {
    this.windows.clear()
  }
}
