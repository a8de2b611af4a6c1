/**
 * The reminders as the application shows them: runs the reminder scheduler over the vault and
 * maps its due reminders onto the contract's RemindersSnapshot / ReminderView. While the vault
 * is locked, views carry no entry id, no name and no key for snooze/dismiss.
 */
import type { RemindersSnapshot, ReminderView, ValidationStatus } from '../ipc/contract'
import { computeDue } from '../reminders/due'
import { ReminderScheduler, namesOf, type ReminderEvent } from '../reminders/scheduler'
import { readReminderSettings } from '../reminders/settings'
import { checkNow } from '../reminders/validate'
import { activeReminders, dismissRow, snoozeRow } from '../reminders/state'
import { countText, notificationText, reminderSentence } from '../reminders/texts'
import type { DueReminder, ReminderKind, ReminderRef } from '../reminders/types'
import type { Vault } from '../vault'
import { AppError } from './errors'

export interface RemindersServiceOptions {
  now: () => number
  /** The vault, opened on demand; null while there is none. */
  vault: () => Vault | null
  /** After every check and every change: the snapshot for the renderer and the tray. */
  onDue: (snapshot: RemindersSnapshot) => void
  /** The bundled key server's address now, starting it if needed (for keys it issued). */
  bundledKeyServer?: () => Promise<string>
}

/** Listener for reminders that just fell due (desktop: an OS notification). */
export type NotifyListener = (event: Extract<ReminderEvent, { type: 'notify' }>) => void

const KINDS: readonly ReminderKind[] = [
  'expires-soon',
  'expired',
  'rotation-due',
  'validation-failed',
]

/** The stable id of a reminder for snooze/dismiss: `${entryId}:${kind}:${threshold}`. */
export function reminderKey(r: ReminderRef): string {
  return `${r.entryId}:${r.kind}:${r.threshold}`
}

/** Read a reminder key back; entry ids never hold ':' but the kind and threshold are split from the end. */
export function parseReminderKey(key: string): ReminderRef {
  const parts = key.split(':')
  const threshold = Number(parts.pop())
  const kind = parts.pop() as ReminderKind
  const entryId = parts.join(':')
  if (!entryId || !KINDS.includes(kind) || !Number.isInteger(threshold) || threshold < 0)
    throw new AppError('INVALID_INPUT', 'That is not a reminder key.')
  return { entryId, kind, threshold }
}

export class RemindersService {
  private scheduler: ReminderScheduler | null = null
  private schedulerVault: Vault | null = null
  private unsubscribe: (() => void) | null = null
  private started = false
  private readonly notifyListeners = new Set<NotifyListener>()

  constructor(private readonly options: RemindersServiceOptions) {}

  /** Start checking (at once, hourly, on change). Safe to call before a vault exists. */
  start(): void {
    this.started = true
    this.ensureScheduler()
  }

  stop(): void {
    this.started = false
    this.unsubscribe?.()
    this.unsubscribe = null
    this.scheduler?.stop()
    this.scheduler = null
    this.schedulerVault = null
  }

  /** The system resumed from sleep: look now. */
  resume(): void {
    this.ensureScheduler()?.resume()
  }

  /** Reminders that fell due; returns the exact unsubscribe. */
  onNotify(listener: NotifyListener): () => void {
    this.notifyListeners.add(listener)
    return () => {
      this.notifyListeners.delete(listener)
    }
  }

  /** Something changed (lock, unlock, settings, entries): recompute and announce. */
  refresh(): void {
    const scheduler = this.ensureScheduler()
    if (scheduler) scheduler.check()
    else this.options.onDue(this.snapshot())
  }

  private ensureScheduler(): ReminderScheduler | null {
    if (!this.started) return null
    let vault: Vault | null = null
    try {
      vault = this.options.vault()
    } catch {
      return null
    }
    if (!vault) return null
    if (this.scheduler && this.schedulerVault === vault) return this.scheduler
    this.scheduler?.stop()
    this.unsubscribe?.()
    const scheduler = new ReminderScheduler({ store: vault, now: this.options.now })
    this.unsubscribe = scheduler.subscribe((event) => {
      if (event.type === 'notify') for (const l of [...this.notifyListeners]) l(event)
      if (event.type === 'count') this.options.onDue(this.snapshot())
    })
    this.scheduler = scheduler
    this.schedulerVault = vault
    scheduler.start()
    return scheduler
  }

  /** What is due now, as the UI shows it (names only while unlocked). */
  snapshot(): RemindersSnapshot {
    const vault = this.options.vault()
    if (!vault) return { locked: true, summary: null, count: 0, items: [] }
    const now = this.options.now()
    const locked = !vault.isUnlocked
    const active = this.active(vault, now)
    const names = namesOf(vault)
    const items = active.map((r): ReminderView => {
      const base = {
        kind: r.kind,
        threshold: r.threshold,
        style: r.style,
        dueAt: r.deadline,
        text: reminderSentence(r, names, now),
      }
      if (locked || !names) return base
      return {
        ...base,
        key: reminderKey(r),
        entryId: r.entryId,
        entryName: names.get(r.entryId) ?? '',
      }
    })
    const summary =
      active.length === 0
        ? null
        : locked
          ? notificationText(active, null, now).body
          : countText(active.length)
    return { locked, summary, count: active.length, items }
  }

  snooze(key: string, days: 1 | 7): RemindersSnapshot {
    const vault = this.unlockedVault()
    const now = this.options.now()
    vault.putReminderState(
      snoozeRow(this.due(vault, now), parseReminderKey(key), days === 1 ? '1d' : '1w', now),
    )
    return this.afterChange()
  }

  dismiss(key: string): RemindersSnapshot {
    const vault = this.unlockedVault()
    const now = this.options.now()
    vault.putReminderState(dismissRow(this.due(vault, now), parseReminderKey(key), now))
    return this.afterChange()
  }

  /** "Check now": validate the key against its provider and record the verdict. */
  async validate(vault: Vault, id: string): Promise<{ status: ValidationStatus; at: number }> {
    // A refused or expired key raises its reminder at once (and the renderer hears of it).
    const result = await checkNow(vault, id, {
      now: this.options.now,
      onFailure: () => this.refresh(),
      ...(this.options.bundledKeyServer ? { bundledKeyServer: this.options.bundledKeyServer } : {}),
    })
    return { status: result.status, at: result.at }
  }

  private afterChange(): RemindersSnapshot {
    const snapshot = this.snapshot()
    this.options.onDue(snapshot)
    return snapshot
  }

  private unlockedVault(): Vault {
    const vault = this.options.vault()
    if (!vault || !vault.isUnlocked)
      throw new AppError(
        'LOCKED',
        'The vault is locked. Unlock it to snooze or dismiss a reminder.',
      )
    return vault
  }

  private due(vault: Vault, now: number): DueReminder[] {
    return computeDue(vault.clearMetadata(), readReminderSettings(vault), now)
  }

  private active(vault: Vault, now: number): DueReminder[] {
    return activeReminders(this.due(vault, now), vault.reminderState(), now)
  }
}
