/**
 * The reminders as the application shows them: runs the reminder scheduler over the vault and
 * maps its due reminders onto the contract's RemindersSummary / ReminderPage / ReminderView.
 * While the vault is locked, views carry no entry id, no name and no key for snooze/dismiss.
 *
 * The active reminders are banded once (reminder-pages.ts) and kept until the entries, the
 * reminder rows, the lock state or the settings change, or a minute passes (bands move with the
 * clock): a page is a slice, and a snooze or dismiss writes one row and takes one reminder out of
 * its band.
 */
import type {
  ReminderBandId,
  ReminderPage,
  RemindersSnapshot,
  RemindersSummary,
  ReminderView,
  ValidationStatus,
} from '../ipc/contract'
import { computeDue } from '../reminders/due'
import { ReminderScheduler, namesOf, type ReminderEvent } from '../reminders/scheduler'
import { readReminderSettings } from '../reminders/settings'
import { checkNow } from '../reminders/validate'
import { activeReminders, dismissRow, snoozeRow } from '../reminders/state'
import { countText, notificationText, reminderSentence } from '../reminders/texts'
import type { NameLookup } from '../reminders/texts'
import type { DueReminder, ReminderKind, ReminderRef } from '../reminders/types'
import type { ReminderStateRow, Vault } from '../vault'
import { AppError } from './errors'
import { BandedReminders } from './reminder-pages'

export interface RemindersServiceOptions {
  now: () => number
  /** The vault, opened on demand; null while there is none. */
  vault: () => Vault | null
  /** After every check and every change: the counts for the renderer and the tray. */
  onDue: (summary: RemindersSummary) => void
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

/** How long banded reminders are kept at most: bands move with the clock, and other processes write. */
const BOOK_TTL_MS = 60_000

interface Book {
  vault: Vault
  /** The vault's entries-and-reminder-rows stamp the bands were made from. */
  stamp: string
  at: number
  locked: boolean
  banded: BandedReminders
  /** The locked summary's wording, made on first use. */
  lockedText?: string | undefined
}

/**
 * The names of one page's entries, looked up one by one: a page needs fifty, and a map of the
 * whole vault's names would be rebuilt and held for every change at 100k entries.
 */
function namesFor(vault: Vault, items: readonly DueReminder[]): NameLookup {
  const names = new Map<string, string>()
  for (const r of items) {
    try {
      names.set(r.entryId, vault.get(r.entryId).name)
    } catch {
      // A damaged entry still has its reminder; the row then shows without a name.
    }
  }
  return names
}

export class RemindersService {
  private scheduler: ReminderScheduler | null = null
  private schedulerVault: Vault | null = null
  private unsubscribe: (() => void) | null = null
  private started = false
  private readonly notifyListeners = new Set<NotifyListener>()
  private book: Book | null = null
  /** Set while this service writes a snooze or dismiss: the vault's echo needs no new check. */
  private writing = false

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
    this.book = null
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
    if (this.writing) return
    this.book = null
    const scheduler = this.ensureScheduler()
    if (scheduler) scheduler.check()
    else this.options.onDue(this.summary())
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
      if (event.type === 'count') this.options.onDue(this.summary())
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

  /** The counts per band and the locked text, without the rows. */
  summary(): RemindersSummary {
    const vault = this.options.vault()
    if (!vault) return { locked: true, summary: null, count: 0, bands: [] }
    return this.summaryOf(this.bookFor(vault))
  }

  /** One page of one band; anonymous while locked, as the snapshot is. */
  page(band: ReminderBandId, offset: number, limit: number): ReminderPage {
    const vault = this.options.vault()
    if (!vault) return { band, offset, total: 0, items: [] }
    const book = this.bookFor(vault)
    const { total, items } = book.banded.slice(band, offset, limit)
    const names = book.locked ? null : namesFor(vault, items)
    const now = this.options.now()
    return { band, offset, total, items: items.map((r) => this.view(r, names, now)) }
  }

  snooze(key: string, days: 1 | 7): RemindersSummary {
    const ref = parseReminderKey(key)
    return this.change(ref, (due, now) => snoozeRow(due, ref, days === 1 ? '1d' : '1w', now))
  }

  dismiss(key: string): RemindersSummary {
    const ref = parseReminderKey(key)
    return this.change(ref, (due, now) => dismissRow(due, ref, now))
  }

  /**
   * Write one reminder's row and take it out of its band. An active reminder is found in the
   * kept bands; any other due one (already snoozed, say) is looked up in the whole vault.
   */
  private change(
    ref: ReminderRef,
    rowFor: (due: readonly DueReminder[], now: number) => ReminderStateRow,
  ): RemindersSummary {
    const vault = this.unlockedVault()
    const now = this.options.now()
    const book = this.bookFor(vault)
    const kept = book.banded.find(ref)
    const row = rowFor(kept ? [kept] : this.due(vault, now), now)
    this.writing = true
    try {
      vault.putReminderState(row)
    } finally {
      this.writing = false
    }
    book.banded.remove(ref)
    // The bands now hold this write too.
    book.stamp = vault.reminderStamp()
    book.lockedText = undefined
    const summary = this.summaryOf(book)
    this.options.onDue(summary)
    return summary
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

  private view(r: DueReminder, names: NameLookup | null, now: number): ReminderView {
    const base = {
      kind: r.kind,
      threshold: r.threshold,
      style: r.style,
      dueAt: r.deadline,
      text: reminderSentence(r, names, now),
    }
    if (!names) return base
    return {
      ...base,
      key: reminderKey(r),
      entryId: r.entryId,
      entryName: names.get(r.entryId) ?? '',
    }
  }

  private summaryOf(book: Book): RemindersSummary {
    const count = book.banded.count
    let summary: string | null = null
    if (count > 0 && book.locked)
      summary = book.lockedText ??= notificationText(book.banded.all(), null, book.at).body
    else if (count > 0) summary = countText(count)
    return { locked: book.locked, summary, count, bands: book.banded.counts() }
  }

  /**
   * The kept bands, or new ones when the vault, its lock state, its entries or reminder rows
   * (here or in another process) changed, or a minute passed.
   */
  private bookFor(vault: Vault): Book {
    const now = this.options.now()
    const locked = !vault.isUnlocked
    const kept = this.book
    if (
      kept &&
      kept.vault === vault &&
      kept.locked === locked &&
      kept.stamp === vault.reminderStamp() &&
      now >= kept.at &&
      now - kept.at < BOOK_TTL_MS
    )
      return kept
    const book: Book = {
      vault,
      stamp: vault.reminderStamp(),
      at: now,
      locked,
      banded: new BandedReminders(this.active(vault, now), now),
    }
    this.book = book
    return book
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
