/**
 * The reminder scheduler: checks at start-up, every hour, on system resume and when entries
 * change; writes what it notified to the vault's clear reminder_state; emits events.
 *
 * Clock and timers are injected so tests move time. Time is UTC epoch milliseconds and every
 * threshold is an exact duration (see due.ts), so a daylight-saving change moves nothing. Timers
 * only decide WHEN to look; WHAT fires is decided from the wall clock and the stored rows, so a
 * clock set backwards, a restart or a late timer cannot fire a reminder twice.
 */
import type { EntryClearMeta, ReminderStateRow } from '../vault/types'
import { byUrgency, collectDue, nextDueMoment } from './due'
import { readReminderSettings } from './settings'
import { StateIndex, markNotified } from './state'
import { countText, notificationText, type NameLookup, type NotificationText } from './texts'
import type { DueReminder } from './types'

export const HOUR_MS = 3_600_000

/** The subset of the vault the scheduler uses (the vault satisfies it as is). */
export interface ReminderStore {
  clearMetadata(): EntryClearMeta[]
  reminderState(): ReminderStateRow[]
  putReminderState(row: ReminderStateRow): void
  /** Several rows in one transaction, when the store offers it (one fsync, not one per row). */
  putReminderStates?(rows: readonly ReminderStateRow[]): void
  getSetting<T>(key: string): T | undefined
  readonly isUnlocked?: boolean
  list?(): { id: string; name: string }[]
  onChange?(listener: (event: { kind: string }) => void): () => void
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export type ReminderEvent =
  /** Reminders that became due (or whose snooze ended): show one OS notification. */
  | { type: 'notify'; at: number; reminders: DueReminder[]; text: NotificationText }
  /** After every check: how many reminders are active (tray count). */
  | { type: 'count'; at: number; active: number; text: string }
  /** A check failed (e.g. a malformed setting); the scheduler keeps running. */
  | { type: 'error'; at: number; message: string }

export interface SchedulerOptions {
  store: ReminderStore
  now?: () => number
  timers?: Timers
  /** How often to look (default one hour). */
  intervalMs?: number
}

/** Names of the entries while the vault is unlocked, else null (texts then name no key). */
export function namesOf(store: ReminderStore): NameLookup | null {
  if (!store.isUnlocked || !store.list) return null
  return new Map(store.list().map((e) => [e.id, e.name]))
}

/** Runs the checks and emits reminder events; see the module comment for the guarantees. */
export class ReminderScheduler {
  private readonly store: ReminderStore
  private readonly now: () => number
  private readonly timers: Timers
  private readonly intervalMs: number
  private readonly listeners = new Set<(event: ReminderEvent) => void>()
  private timer: unknown = null
  private unwatch: (() => void) | null = null
  private running = false
  private checking = false

  constructor(options: SchedulerOptions) {
    this.store = options.store
    this.now = options.now ?? Date.now
    this.timers = options.timers ?? {
      // Unref'd: a reminder timer must never be what keeps a process alive.
      setTimeout: (cb, ms) => setTimeout(cb, ms).unref(),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    }
    this.intervalMs = options.intervalMs ?? HOUR_MS
  }

  /** Receive events; returns the function that removes exactly this listener. */
  subscribe(listener: (event: ReminderEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Check now and then every interval; re-check when entries change. */
  start(): void {
    if (this.running) return
    this.running = true
    this.unwatch =
      this.store.onChange?.((event) => {
        // An entry changed (rotated, new expiry, a failed check): look at once. Our own
        // reminder_state writes also raise events; those are ignored.
        if (event.kind === 'entries' || event.kind === 'unlocked') this.runAndReschedule()
      }) ?? null
    this.runAndReschedule()
  }

  /** The system woke from sleep: timers may have stalled, so look now. */
  resume(): void {
    if (this.running) this.runAndReschedule()
  }

  stop(): void {
    this.running = false
    this.unwatch?.()
    this.unwatch = null
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  /**
   * One check: compute what is due, record and emit what fires. The rows are written BEFORE the
   * event is emitted: if the process dies in between, a notification is lost rather than shown
   * twice (at most once, as the issue asks). Returns the reminders that fired.
   */
  check(): DueReminder[] {
    if (this.checking) return [] // a listener reacting to our own event
    this.checking = true
    const at = this.now()
    try {
      const settings = readReminderSettings(this.store)
      // One pass classifies every due reminder; only what fires is sorted (for the text). At
      // 100k keys, sorting all of them and asking each its status twice was most of a check.
      const due = collectDue(this.store.clearMetadata(), settings, at)
      const book = new StateIndex(this.store.reminderState())
      const fired: DueReminder[] = []
      let active = 0
      for (const r of due) {
        const status = book.status(r, at)
        if (status === 'new') fired.push(r)
        // What fires now becomes 'notified', which is still active.
        if (status === 'new' || status === 'notified') active++
      }
      fired.sort(byUrgency)
      const rows = markNotified(fired, at)
      if (this.store.putReminderStates) this.store.putReminderStates(rows)
      else for (const row of rows) this.store.putReminderState(row)
      if (fired.length > 0)
        this.emit({
          type: 'notify',
          at,
          reminders: fired,
          text: notificationText(fired, namesOf(this.store), at),
        })
      this.emit({ type: 'count', at, active, text: countText(active) })
      return fired
    } catch (error) {
      this.emit({
        type: 'error',
        at,
        message: error instanceof Error ? error.message : 'reminder check failed',
      })
      return []
    } finally {
      this.checking = false
    }
  }

  private runAndReschedule(): void {
    this.check()
    if (!this.running) return
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      this.runAndReschedule()
    }, this.delayToNextCheck())
  }

  /** The hourly cadence, or sooner when a threshold or a snooze's end falls within the hour (never under 1 s). */
  private delayToNextCheck(): number {
    const at = this.now()
    try {
      let next = nextDueMoment(this.store.clearMetadata(), readReminderSettings(this.store), at)
      // A snooze that ends within the hour brings its reminder back on time.
      for (const row of this.store.reminderState())
        if (
          row.snoozedUntil !== null &&
          row.snoozedUntil > at &&
          (next === null || row.snoozedUntil < next)
        )
          next = row.snoozedUntil
      if (next !== null && next - at < this.intervalMs) return Math.max(1000, next - at)
    } catch {
      // A malformed setting was already reported by check(); keep the hourly cadence.
    }
    return this.intervalMs
  }

  private emit(event: ReminderEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch {
        // One failing subscriber must not stop the others or the scheduler.
      }
    }
  }
}
