// "A key is always in the band it is in now", on every path that shows reminders: the Reminders
// view and the locked count (the app's reminders service), notifications (the scheduler) and the
// .ics feed, over a real vault file. The CLI path is in cli.test.ts.
import ICAL from 'ical.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { alarmDays, buildIcs } from '../../src-main/reminders/ics'
import { readReminderSettings } from '../../src-main/reminders/settings'
import { RemindersService, type NotifyListener } from '../../src-main/services/reminders'
import { Vault } from '../../src-main/vault'
import { DAY, FakeClock, HOUR, PASSWORD, newVault, tempFolder, wptKey } from './helpers'

type Notify = Parameters<NotifyListener>[0]

const START = Date.UTC(2026, 5, 1, 12, 0)

let folder: ReturnType<typeof tempFolder>
let clock: FakeClock
let vault: Vault
let service: RemindersService
let notified: Notify[]

beforeEach(async () => {
  folder = tempFolder()
  clock = new FakeClock(START)
  vault = await newVault(folder.dir, clock.now)
  notified = []
  service = new RemindersService({ now: clock.now, vault: () => vault, onDue: () => undefined })
  service.onNotify((e) => notified.push(e))
  service.start()
})

afterEach(() => {
  service.stop()
  vault.close()
  folder.cleanup()
})

function labels(events: Notify[]): string[] {
  return events.flatMap((e) =>
    e.reminders.map((r) => (r.kind === 'expires-soon' ? `soon-${r.threshold}` : r.kind)),
  )
}

function alarmsOf(ics: string, uid: string): string[] {
  const root = new ICAL.Component(ICAL.parse(ics))
  const event = root.getAllSubcomponents('vevent').find((c) => new ICAL.Event(c).uid === uid)
  if (!event) return []
  return event.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger')))
}

describe('a key added inside a threshold', () => {
  it('is due at once in the view, the locked count, one notification and the calendar', async () => {
    // Issue date defaults to now, as `keywarden add --expires-in 3d` does.
    const id = vault.add({
      style: 'generic',
      name: 'near',
      credential: { key: 'generic-key-0123456789' },
      expiresAt: START + 3 * DAY,
    }).id
    expect(labels(notified)).toEqual(['soon-7'])
    expect(notified[0]!.text.title).toBe(
      'Keywarden: “near” expires in 3 days (2026-06-04 12:00 UTC)',
    )

    const view = service.snapshot()
    expect(view).toMatchObject({ locked: false, count: 1, summary: '1 key needs attention' })
    expect(view.items[0]).toMatchObject({ kind: 'expires-soon', threshold: 7, entryName: 'near' })

    // Later checks say nothing new: once per band.
    for (let h = 0; h < 12; h++) {
      clock.advance(HOUR)
      service.resume()
    }
    expect(labels(notified)).toEqual(['soon-7'])

    const ics = buildIcs(vault.clearMetadata(), {
      now: clock.now(),
      settings: readReminderSettings(vault),
    })
    expect(alarmsOf(ics, `${id}-expires@keywarden`)).toEqual(['-P7D', '-P1D'])

    vault.lock()
    service.refresh()
    const locked = service.snapshot()
    expect(locked).toMatchObject({
      locked: true,
      count: 1,
      summary: '1 key expires within 7 days — unlock to see which',
    })
    expect(JSON.stringify(locked)).not.toContain('near')
    await vault.unlock(PASSWORD)
  })

  it('a 7-day Userplane key is in the 7-day band from its creation', () => {
    vault.add({
      style: 'userplane',
      name: 'week',
      credential: { key: `uspl_${'a'.repeat(40)}` },
      expiresAt: START + 7 * DAY,
    })
    expect(labels(notified)).toEqual(['soon-7'])
    expect(service.snapshot().items.map((i) => i.threshold)).toEqual([7])
  })
})

describe('edit, rotation and import', () => {
  it('an edit or a rotation into a band fires that band once again', () => {
    const id = vault.add({
      style: 'webpagetest',
      name: 'wpt',
      credential: { key: wptKey(1) },
      expiresAt: START + 3 * DAY,
    }).id
    expect(labels(notified)).toEqual(['soon-7'])
    // Rotated to a key that lives 5 days: still the 7-day band, but a new key, so it is news.
    vault.rotate(id, { credential: { key: wptKey(2) }, expiresAt: START + 5 * DAY })
    expect(labels(notified)).toEqual(['soon-7', 'soon-7'])
    // Edited to expire in 10 hours: the 1-day band, once.
    vault.update(id, { expiresAt: START + 10 * HOUR })
    expect(labels(notified)).toEqual(['soon-7', 'soon-7', 'soon-1'])
    service.resume()
    expect(labels(notified)).toEqual(['soon-7', 'soon-7', 'soon-1'])
    expect(service.snapshot().items.map((i) => `${i.kind}:${i.threshold}`)).toEqual([
      'expires-soon:1',
    ])
  })

  it('an imported expired key says so until it is rotated, removed or dismissed', () => {
    const [gone, dismissed, removed] = vault.addMany(
      [1, 2, 3].map((n) => ({
        style: 'webpagetest' as const,
        name: `old-${n}`,
        credential: { key: wptKey(n) },
        expiresAt: START - n * DAY,
        lastRotatedAt: START - 60 * DAY,
      })),
    )
    expect(labels(notified)).toEqual(['expired', 'expired', 'expired'])
    expect(notified).toHaveLength(1) // one notification for the batch
    clock.advance(30 * DAY)
    service.resume()
    expect(notified).toHaveLength(1)
    expect(service.snapshot().count).toBe(3)

    service.dismiss(`${dismissed!.id}:expired:0`)
    vault.remove(removed!.id)
    expect(service.snapshot().items.map((i) => i.entryId)).toEqual([gone!.id])
    vault.rotate(gone!.id, { credential: { key: wptKey(9) }, expiresAt: clock.now() + 60 * DAY })
    expect(service.snapshot().count).toBe(0)
  })
})

describe('calendar alarms follow the bands', () => {
  const T = [30, 14, 7, 1]
  it('keeps the band a key was issued into and every nearer one', () => {
    expect(alarmDays(START + 40 * DAY, START, T)).toEqual([30, 14, 7, 1])
    expect(alarmDays(START + 30 * DAY, START, T)).toEqual([30, 14, 7, 1])
    expect(alarmDays(START + 3 * DAY, START, T)).toEqual([7, 1])
    expect(alarmDays(START + 10 * HOUR, START, T)).toEqual([1])
    expect(alarmDays(START - DAY, START, T)).toEqual([])
  })
})
