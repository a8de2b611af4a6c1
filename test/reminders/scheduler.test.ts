import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ReminderScheduler, type ReminderEvent } from '../../src-main/reminders/scheduler'
import { computeDue } from '../../src-main/reminders/due'
import { readReminderSettings } from '../../src-main/reminders/settings'
import { dismissRow, snoozeRow } from '../../src-main/reminders/state'
import { Vault } from '../../src-main/vault'
import { DAY, FakeClock, HOUR, PASSWORD, newVault, tempFolder, wptKey } from './helpers'

type Notify = Extract<ReminderEvent, { type: 'notify' }>

const START = Date.UTC(2026, 3, 1, 8, 0)

let folder: ReturnType<typeof tempFolder>
let clock: FakeClock
let vault: Vault
const open: { stop(): void }[] = []

beforeEach(async () => {
  folder = tempFolder()
  clock = new FakeClock(START)
  vault = await newVault(folder.dir, clock.now)
})

afterEach(() => {
  for (const s of open.splice(0)) s.stop()
  vault.close()
  folder.cleanup()
})

function addKey(
  n: number,
  expiresInDays: number | null,
  extra: { rotationPolicyDays?: number } = {},
): string {
  return vault.add({
    style: 'webpagetest',
    name: `key-${n}`,
    credential: { key: wptKey(n) },
    expiresAt: expiresInDays === null ? null : START + expiresInDays * DAY,
    lastRotatedAt: START - 10 * DAY,
    ...extra,
  }).id
}

function startScheduler(store: Vault = vault): {
  scheduler: ReminderScheduler
  fired: Notify[]
  counts: number[]
} {
  const scheduler = new ReminderScheduler({ store, now: clock.now, timers: clock.timers })
  const fired: Notify[] = []
  const counts: number[] = []
  scheduler.subscribe((e) => {
    if (e.type === 'notify') fired.push(e)
    if (e.type === 'count') counts.push(e.active)
    if (e.type === 'error') throw new Error(e.message)
  })
  scheduler.start()
  open.push(scheduler)
  return { scheduler, fired, counts }
}

function labels(fired: Notify[]): string[] {
  return fired.flatMap((e) =>
    e.reminders.map((r) => (r.kind === 'expires-soon' ? `soon-${r.threshold}` : r.kind)),
  )
}

describe('reminder scheduler', () => {
  it('walks the clock hour by hour across every threshold, firing each once at its moment', () => {
    const id = addKey(1, 35)
    const { fired } = startScheduler()
    for (let h = 0; h < 40 * 24; h++) clock.advance(HOUR)
    expect(labels(fired)).toEqual(['soon-30', 'soon-14', 'soon-7', 'soon-1', 'expired'])
    const expiry = START + 35 * DAY
    // The scheduler looks exactly when a threshold falls within the hour.
    expect(fired.map((e) => e.at)).toEqual([30, 14, 7, 1, 0].map((d) => expiry - d * DAY))
    expect(fired.every((e) => e.reminders.every((r) => r.entryId === id))).toBe(true)
  })

  it('checks at start-up and every hour even with nothing due, and on resume', () => {
    addKey(1, null)
    const { scheduler, counts } = startScheduler()
    expect(counts).toHaveLength(1)
    clock.advance(3 * HOUR)
    expect(counts).toHaveLength(4)
    scheduler.resume()
    expect(counts).toHaveLength(5)
    expect(clock.pendingTimers).toBe(1)
  })

  it('catches up on resume after a sleep: only the nearest threshold fires', () => {
    addKey(1, 35)
    const { scheduler, fired } = startScheduler()
    // The machine sleeps: the wall clock jumps 30 days while no timer ran.
    clock.setWall(START + 30 * DAY)
    scheduler.resume()
    expect(labels(fired)).toEqual(['soon-7'])
    clock.setWall(START + 33 * DAY)
    scheduler.resume()
    expect(labels(fired)).toEqual(['soon-7']) // 14 and 30 are superseded, never said after 7
  })

  it('never fires twice when the clock is set backwards', () => {
    addKey(1, 20)
    const { fired } = startScheduler()
    for (let h = 0; h < 14 * 24; h++) clock.advance(HOUR) // past the 7-day threshold (day 13)
    // 20 days left at start: the key is in the 30-day band at once.
    expect(labels(fired)).toEqual(['soon-30', 'soon-14', 'soon-7'])
    clock.setWall(clock.wall - 10 * DAY) // before the 14-day threshold again
    for (let h = 0; h < 20 * 24; h++) clock.advance(HOUR)
    expect(labels(fired)).toEqual(['soon-30', 'soon-14', 'soon-7', 'soon-1', 'expired'])
  })

  it('never says a farther threshold after a nearer one, even with the clock set back', () => {
    addKey(1, 5)
    const { scheduler, fired } = startScheduler()
    expect(labels(fired)).toEqual(['soon-7'])
    clock.setWall(START - 3 * DAY) // 8 days before expiry: the 14-day threshold is "due" again
    scheduler.resume()
    for (let h = 0; h < 24; h++) clock.advance(HOUR)
    expect(labels(fired)).toEqual(['soon-7'])
  })

  it('does not notify again after a restart over the same vault file', () => {
    addKey(1, 10)
    addKey(2, 40)
    const first = startScheduler()
    expect(labels(first.fired)).toEqual(['soon-14'])
    first.scheduler.stop()
    const path = vault.path
    vault.close()
    vault = Vault.open(path, { now: clock.now }) // locked, as after a reboot
    const second = startScheduler()
    clock.advance(HOUR)
    expect(second.fired).toEqual([])
    for (let h = 0; h < 4 * 24; h++) clock.advance(HOUR)
    expect(labels(second.fired)).toEqual(['soon-7'])
  })

  it('names no key while locked and names them once unlocked', async () => {
    addKey(1, 5)
    addKey(2, 6)
    addKey(3, 3)
    vault.lock()
    const locked = startScheduler()
    expect(locked.fired).toHaveLength(1)
    expect(locked.fired[0]!.text.body).toBe('3 keys expire within 7 days — unlock to see which')
    expect(JSON.stringify(locked.fired[0]!.text)).not.toMatch(/key-\d/)
    locked.scheduler.stop()
    await vault.unlock(PASSWORD)
    const unlocked = startScheduler()
    for (let h = 0; h < 3 * 24; h++) clock.advance(HOUR)
    const texts = unlocked.fired.map((e) => e.text)
    expect(texts.map((t) => t.title)).toEqual([
      expect.stringContaining('“key-3” (WebPageTest) expires in 1 day'),
      expect.stringContaining('“key-3” (WebPageTest) expired'),
    ])
  })

  it('snoozes for a day or a week, and dismisses until the entry changes', () => {
    const a = addKey(1, 5)
    const b = addKey(2, 6)
    const { scheduler, fired, counts } = startScheduler()
    expect(labels(fired)).toEqual(['soon-7', 'soon-7'])
    clock.advance(17 * 60_000) // snoozed at a moment off the hourly cadence
    const snoozedAt = clock.now()
    const due = computeDue(vault.clearMetadata(), readReminderSettings(vault), clock.now())
    vault.putReminderState(
      snoozeRow(due, { entryId: a, kind: 'expires-soon', threshold: 7 }, '1d', clock.now()),
    )
    vault.putReminderState(
      dismissRow(due, { entryId: b, kind: 'expires-soon', threshold: 7 }, clock.now()),
    )
    scheduler.check()
    expect(counts.at(-1)).toBe(0)
    clock.advance(23 * HOUR)
    expect(fired).toHaveLength(1)
    clock.advance(HOUR)
    expect(fired).toHaveLength(2) // the snooze ended: the reminder comes back once, on time
    expect(fired[1]!.at).toBe(snoozedAt + DAY)
    expect(fired[1]!.reminders.map((r) => r.entryId)).toEqual([a])
    expect(counts.at(-1)).toBe(1)
    const due2 = computeDue(vault.clearMetadata(), readReminderSettings(vault), clock.now())
    vault.putReminderState(
      snoozeRow(due2, { entryId: a, kind: 'expires-soon', threshold: 7 }, '1w', clock.now()),
    )
    for (let h = 0; h < 3 * 24; h++) clock.advance(HOUR)
    // Day 4 after start: a's 1-day threshold (a different reminder) fires; the dismissed one stays quiet.
    expect(labels(fired.slice(2))).toEqual(['soon-1'])
    expect(fired.slice(2).flatMap((e) => e.reminders.map((r) => r.entryId))).toEqual([a])
    expect(() =>
      snoozeRow(
        due2,
        { entryId: a, kind: 'expires-soon', threshold: 7 },
        '2d' as '1d',
        clock.now(),
      ),
    ).toThrow(/1d or 1w/)
    expect(() =>
      dismissRow(due2, { entryId: 'nope', kind: 'expired', threshold: 0 }, clock.now()),
    ).toThrow(/no such reminder/)
  })

  it('clears a reminder when the key is rotated or its expiry changes', () => {
    const a = addKey(1, null, { rotationPolicyDays: 5 })
    const b = addKey(2, 3)
    const { fired, counts } = startScheduler()
    expect(labels(fired).sort()).toEqual(['rotation-due', 'soon-7'])
    expect(vault.reminderState().length).toBeGreaterThan(0)
    vault.rotate(a, { credential: { key: wptKey(11) }, rotatedAt: clock.now() })
    expect(vault.reminderState().filter((r) => r.entryId === a)).toEqual([])
    expect(counts.at(-1)).toBe(1)
    // A new expiry 20 days out: the old 7-day reminder is gone, and the key, now in the 30-day
    // band, says so once at once; the 14-day threshold follows six days from now.
    vault.update(b, { expiresAt: clock.now() + 20 * DAY })
    expect(
      vault
        .reminderState()
        .filter((r) => r.entryId === b)
        .map((r) => `${r.kind}:${r.threshold}`),
    ).toEqual(['expires-soon:30'])
    expect(labels(fired).at(-1)).toBe('soon-30')
    expect(counts.at(-1)).toBe(1)
    const before = fired.length
    for (let h = 0; h < 7 * 24; h++) clock.advance(HOUR)
    // The rotated key's 5-day policy counts from its rotation: due again on day 5.
    expect(labels(fired.slice(before))).toEqual(['rotation-due', 'soon-14'])
    expect(fired.slice(before).map((e) => e.at)).toEqual([START + 5 * DAY, START + 6 * DAY])
  })

  it('raises a reminder at once when a check fails', () => {
    const a = addKey(1, null)
    const { fired } = startScheduler()
    expect(fired).toEqual([])
    vault.recordValidation(a, 'invalid', clock.now())
    expect(labels(fired)).toEqual(['validation-failed'])
    vault.recordValidation(a, 'unreachable', clock.now() + 1)
    clock.advance(HOUR)
    expect(labels(fired)).toEqual(['validation-failed'])
    clock.advance(HOUR)
    vault.recordValidation(a, 'expired', clock.now())
    expect(labels(fired)).toEqual(['validation-failed', 'validation-failed'])
  })

  it('reports a malformed setting as an error event and keeps running', () => {
    addKey(1, 5)
    vault.setSetting('reminderThresholdsDays', ['soon'])
    const scheduler = new ReminderScheduler({ store: vault, now: clock.now, timers: clock.timers })
    const errors: string[] = []
    scheduler.subscribe((e) => {
      if (e.type === 'error') errors.push(e.message)
    })
    scheduler.start()
    open.push(scheduler)
    expect(errors).toEqual([expect.stringMatching(/threshold/)])
    expect(clock.pendingTimers).toBe(1)
    const unsubscribe = scheduler.subscribe(() => undefined)
    unsubscribe()
  })
})
