/**
 * Locks the vault after the configured idle time. What "idle" means comes from the transport:
 * the system's idle time in desktop mode (powerMonitor), the time since the last API call in
 * browser mode. The setting is read at every check so a change applies without a restart.
 */
import type { AppServices } from './app-services'

export class AutoLock {
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly services: AppServices,
    /** Milliseconds the user has been idle. */
    private readonly idleMs: () => number,
    private readonly checkEveryMs = 15_000,
  ) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.check(), this.checkEveryMs)
    // The timer alone must not keep a process alive that is otherwise shutting down.
    this.timer.unref()
  }

  /** Lock if unlocked and idle for at least autoLockMinutes (0 = never). Returns whether it locked. */
  check(): boolean {
    if (!this.services.isUnlocked) return false
    const minutes = this.services.settings().autoLockMinutes
    if (minutes <= 0 || this.idleMs() < minutes * 60_000) return false
    this.services.lock('idle')
    return true
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
