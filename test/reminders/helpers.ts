/** Test helpers: a real vault in a temp folder and a fake clock with fake timers. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Vault } from '../../src-main/vault'
import type { Timers } from '../../src-main/reminders/scheduler'

export const PASSWORD = 'correct horse battery staple'
export const FAST_KDF = { opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 }
export const DAY = 86_400_000
export const HOUR = 3_600_000

/** A fresh temp folder; `cleanup()` removes it. */
export function tempFolder(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kw-reminders-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A new vault file (unlocked) with test-size Argon2 parameters. */
export async function newVault(dir: string, now: () => number): Promise<Vault> {
  return Vault.create(join(dir, 'vault.kwdb'), PASSWORD, { kdf: FAST_KDF, now })
}

/** A random-looking WebPageTest key (the format the vault accepts). */
export function wptKey(n: number): string {
  return `A.${n.toString(16).padStart(32, '0')}`
}

/**
 * A wall clock and a monotonic timer queue that move together on `advance`, while `setWall`
 * moves only the wall clock (a user or NTP changing the time): real timers behave this way.
 */
export class FakeClock {
  private mono = 0
  private seq = 0
  private queue: { at: number; seq: number; cb: () => void }[] = []

  constructor(public wall: number) {}

  readonly now = (): number => this.wall

  readonly timers: Timers = {
    setTimeout: (cb, ms) => {
      const item = { at: this.mono + Math.max(0, ms), seq: ++this.seq, cb }
      this.queue.push(item)
      return item
    },
    clearTimeout: (handle) => {
      this.queue = this.queue.filter((i) => i !== handle)
    },
  }

  /** Move both clocks forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.mono + ms
    for (;;) {
      const next = [...this.queue].sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!next || next.at > end) break
      this.queue = this.queue.filter((i) => i !== next)
      this.wall += next.at - this.mono
      this.mono = next.at
      next.cb()
    }
    this.wall += end - this.mono
    this.mono = end
  }

  /** Set the wall clock only (timers keep their monotonic schedule). */
  setWall(at: number): void {
    this.wall = at
  }

  get pendingTimers(): number {
    return this.queue.length
  }
}
