import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import { buildIcs, escapeText, foldLine } from '../../src-main/reminders/ics'
import { defaultReminderSettings } from '../../src-main/reminders/settings'
import type { EntryClearMeta } from '../../src-main/vault/types'
import { DAY } from './helpers'

const T0 = Date.UTC(2026, 2, 1, 9, 30)
const settings = defaultReminderSettings()

function entry(over: Partial<EntryClearMeta>): EntryClearMeta {
  return {
    id: 'x',
    style: 'webpagetest',
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    expiresAt: null,
    lastRotatedAt: T0,
    rotationPolicyDays: null,
    lastCheck: null,
    ...over,
  }
}

const entries = [
  entry({ id: 'wpt-1', expiresAt: T0 + 120 * DAY }),
  entry({ id: 'sw-1', style: 'similarweb', rotationPolicyDays: 60 }),
  entry({ id: 'up-1', style: 'userplane', expiresAt: T0 + 7 * DAY }),
  entry({ id: 'gone', status: 'revoked', expiresAt: T0 + 10 * DAY }),
]

function events(ics: string): ICAL.Event[] {
  const root = new ICAL.Component(ICAL.parse(ics))
  return root.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
}

describe('iCalendar export', () => {
  it('parses back with ical.js: expiry and rotation events, neutral summaries', () => {
    const ics = buildIcs(entries, { now: T0 + DAY, settings })
    const evs = events(ics)
    const byUid = new Map(evs.map((e) => [e.uid, e]))
    expect([...byUid.keys()].sort()).toEqual([
      'sw-1-rotation-due@keywarden',
      'up-1-expires@keywarden',
      'wpt-1-expires@keywarden',
      'wpt-1-rotation-due@keywarden',
    ])
    const wpt = byUid.get('wpt-1-expires@keywarden')!
    expect(wpt.summary).toBe('Keywarden: a WebPageTest key expires')
    expect(wpt.startDate.toJSDate().getTime()).toBe(T0 + 120 * DAY)
    expect(wpt.startDate.zone.tzid).toBe('UTC')
    const alarms = wpt.component
      .getAllSubcomponents('valarm')
      .map((a) => String(a.getFirstPropertyValue('trigger')))
    expect(alarms).toEqual(['-P30D', '-P14D', '-P7D', '-P1D'])
    // A 7-day Userplane key is in the 7-day band from its issue: that alarm and the nearer one,
    // never the 30- and 14-day alarms of bands it was never in.
    const up = byUid.get('up-1-expires@keywarden')!
    expect(up.summary).toBe('Keywarden: a Userplane key expires')
    expect(
      up.component
        .getAllSubcomponents('valarm')
        .map((a) => String(a.getFirstPropertyValue('trigger'))),
    ).toEqual(['-P7D', '-P1D'])
    expect(byUid.get('sw-1-rotation-due@keywarden')!.summary).toBe(
      'Keywarden: a Similarweb key is due for rotation',
    )
    expect(byUid.get('sw-1-rotation-due@keywarden')!.startDate.toJSDate().getTime()).toBe(
      T0 + 60 * DAY,
    )
    const stamp = wpt.component.getFirstPropertyValue('dtstamp') as ICAL.Time
    expect(stamp.toJSDate().getTime()).toBe(T0 + DAY)
  })

  it('keeps UIDs stable between exports so calendars update, not duplicate', () => {
    const a = events(buildIcs(entries, { now: T0, settings })).map((e) => e.uid)
    const moved = entries.map((e) =>
      e.id === 'wpt-1' ? { ...e, expiresAt: T0 + 150 * DAY, updatedAt: T0 + DAY } : e,
    )
    const b = events(buildIcs(moved, { now: T0 + 2 * DAY, settings })).map((e) => e.uid)
    expect(b).toEqual(a)
  })

  it('follows RFC 5545 framing: CRLF, 75-octet folding, escaping, names only when asked', () => {
    const name = 'Zürich prod; billing, EU 🚀\\ "quoted"\nsecond line ' + 'ü'.repeat(60)
    const names = new Map([['wpt-1', name]])
    const plain = buildIcs(entries, { now: T0, settings })
    expect(plain).not.toContain('Zürich')
    const ics = buildIcs(entries, { now: T0, settings, names })
    expect(ics.endsWith('\r\n')).toBe(true)
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    for (const line of ics.split('\r\n'))
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
    expect(ics).toMatch(/\r\n [^\r\n]/) // at least one folded line
    const wpt = events(ics).find((e) => e.uid === 'wpt-1-expires@keywarden')!
    expect(wpt.summary).toBe(`Keywarden: “${name.replace(/\n/g, ' ')}” (WebPageTest) expires`)
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne')
    expect(
      foldLine('x'.repeat(160))
        .split('\r\n ')
        .map((p) => p.length),
    ).toEqual([75, 74, 11])
    // A multi-byte character is never split across a fold.
    for (const part of foldLine('é'.repeat(100)).split('\r\n ')) expect(part).toMatch(/^é+$/)
  })

  it('leaves out revoked and disabled entries', () => {
    const ics = buildIcs([entry({ id: 'off', status: 'disabled', expiresAt: T0 + DAY })], {
      now: T0,
      settings,
    })
    expect(events(ics)).toHaveLength(0)
  })
})
