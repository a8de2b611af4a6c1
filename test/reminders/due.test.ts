import { describe, expect, it } from 'vitest'
import { computeDue, dueForEntry, nextDueMoment } from '../../src-main/reminders/due'
import { ReminderError } from '../../src-main/reminders/errors'
import {
  defaultReminderSettings,
  parseThresholds,
  readReminderSettings,
} from '../../src-main/reminders/settings'
import type { EntryClearMeta } from '../../src-main/vault/types'
import { DAY, HOUR } from './helpers'

const T0 = Date.UTC(2026, 0, 1)
const settings = defaultReminderSettings()

function entry(over: Partial<EntryClearMeta> = {}): EntryClearMeta {
  return {
    id: 'e1',
    style: 'webpagetest',
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 60 * DAY,
    lastRotatedAt: T0,
    rotationPolicyDays: null,
    lastCheck: null,
    ...over,
  }
}

function kinds(e: EntryClearMeta, now: number, s = settings): string[] {
  return dueForEntry(e, s, now).map((r) =>
    r.kind === 'expires-soon' ? `soon-${r.threshold}` : r.kind,
  )
}

describe('what is due', () => {
  it('crosses 30, 14, 7 and 1 days before expiry, then expired', () => {
    const e = entry()
    const E = e.expiresAt!
    expect(kinds(e, E - 30 * DAY - 1)).toEqual([])
    expect(kinds(e, E - 30 * DAY)).toEqual(['soon-30'])
    expect(kinds(e, E - 14 * DAY - 1)).toEqual(['soon-30'])
    expect(kinds(e, E - 14 * DAY)).toEqual(['soon-14'])
    expect(kinds(e, E - 7 * DAY)).toEqual(['soon-7'])
    expect(kinds(e, E - DAY)).toEqual(['soon-1'])
    expect(kinds(e, E - 1)).toEqual(['soon-1'])
    expect(kinds(e, E)).toEqual(['expired'])
    const r = dueForEntry(e, settings, E - 3 * DAY)[0]!
    expect(r).toMatchObject({ dueAt: E - 7 * DAY, deadline: E, threshold: 7 })
  })

  it('uses configured thresholds', () => {
    const s = { ...settings, thresholdsDays: parseThresholds([3, 10]) }
    expect(s.thresholdsDays).toEqual([10, 3])
    const e = entry()
    expect(kinds(e, e.expiresAt! - 20 * DAY, s)).toEqual([])
    expect(kinds(e, e.expiresAt! - 10 * DAY, s)).toEqual(['soon-10'])
    expect(kinds(e, e.expiresAt! - 2 * DAY, s)).toEqual(['soon-3'])
  })

  it('puts a key issued inside a threshold in that band at once', () => {
    // A 7-day Userplane key created now is in the 7-day band immediately.
    const e = entry({ style: 'userplane', expiresAt: T0 + 7 * DAY })
    expect(kinds(e, T0)).toEqual(['soon-7'])
    expect(dueForEntry(e, settings, T0)[0]).toMatchObject({ dueAt: T0, deadline: T0 + 7 * DAY })
    expect(kinds(e, T0 + 6 * DAY)).toEqual(['soon-1'])
    // Added 3 days before its expiry: the 7-day band, its moment fixed at expiry − 7 days.
    const near = entry({ expiresAt: T0 + 3 * DAY })
    expect(dueForEntry(near, settings, T0)[0]).toMatchObject({
      kind: 'expires-soon',
      threshold: 7,
      dueAt: T0 - 4 * DAY,
    })
    // Imported already expired: expired at once.
    expect(kinds(entry({ expiresAt: T0 - DAY }), T0)).toEqual(['expired'])
    // The next moment to look skips no threshold either.
    expect(nextDueMoment([entry({ expiresAt: T0 + 20 * DAY })], settings, T0)).toBe(T0 + 6 * DAY)
  })

  it('rotation due after the entry policy, else the style default; never-expiring keys too', () => {
    const own = entry({ expiresAt: null, rotationPolicyDays: 30 })
    expect(kinds(own, T0 + 30 * DAY - 1)).toEqual([])
    expect(kinds(own, T0 + 30 * DAY)).toEqual(['rotation-due'])
    const sw = entry({ style: 'similarweb', expiresAt: null })
    expect(kinds(sw, T0 + 90 * DAY - 1)).toEqual([])
    const [r] = dueForEntry(sw, settings, T0 + 90 * DAY)
    expect(r).toMatchObject({ kind: 'rotation-due', policyDays: 90, deadline: T0 + 90 * DAY })
  })

  it('leaves rotation to the expiry reminders when the key expires first', () => {
    const e = entry({ expiresAt: T0 + 30 * DAY })
    expect(kinds(e, T0 + 100 * DAY)).toEqual(['expired'])
  })

  it('states the provider facts: Userplane 90 days, BlazeMeter account cap', () => {
    const up = entry({ style: 'userplane', expiresAt: T0 + 90 * DAY })
    expect(dueForEntry(up, settings, T0 + 85 * DAY)[0]).toMatchObject({
      kind: 'expires-soon',
      fact: 'userplane-max-lifetime',
    })
    // A BlazeMeter key without a recorded expiry still expires at the account cap.
    const bm = entry({ style: 'blazemeter', expiresAt: null, rotationPolicyDays: 10_000 })
    const capped = readReminderSettings({
      getSetting: <T>(k: string) =>
        (k === 'accountPolicy' ? { blazemeterExpiryCap: '1-month' } : undefined) as T,
    })
    expect(capped.blazemeterCapDays).toBe(30)
    expect(dueForEntry(bm, capped, T0 + 29 * DAY)[0]).toMatchObject({
      kind: 'expires-soon',
      threshold: 1,
      deadline: T0 + 30 * DAY,
      fact: 'blazemeter-account-cap',
      expiryFromCap: true,
    })
    expect(kinds(bm, T0 + 29 * DAY, capped)).toEqual(['soon-1'])
    expect(kinds(bm, T0 + 29 * DAY)).toEqual([])
    expect(kinds(bm, T0 + 3650 * DAY - 1)).toEqual(['soon-1'])
  })

  it('raises validation-failed for invalid and expired checks only', () => {
    const at = T0 + DAY
    expect(kinds(entry({ lastCheck: { status: 'invalid', at } }), at)).toEqual([
      'validation-failed',
    ])
    expect(
      dueForEntry(entry({ lastCheck: { status: 'expired', at } }), settings, at)[0],
    ).toMatchObject({ kind: 'validation-failed', verdict: 'expired', dueAt: at })
    expect(kinds(entry({ lastCheck: { status: 'unreachable', at } }), at)).toEqual([])
    // A failed check of the previous key says nothing about the rotated one.
    const rotated = entry({ lastRotatedAt: at + 1, lastCheck: { status: 'invalid', at } })
    expect(kinds(rotated, at + 2)).toEqual([])
    expect(kinds(entry({ lastCheck: { status: 'valid', at } }), at)).toEqual([])
  })

  it('gives nothing for revoked or disabled entries', () => {
    const late = T0 + 400 * DAY
    const bad = { status: 'invalid' as const, at: late }
    expect(kinds(entry({ status: 'revoked', lastCheck: bad }), late)).toEqual([])
    expect(kinds(entry({ status: 'disabled', lastCheck: bad }), late)).toEqual([])
  })

  it('sorts by deadline and finds the next moment to look', () => {
    const a = entry({ id: 'a', expiresAt: T0 + 20 * DAY })
    const b = entry({ id: 'b', expiresAt: T0 + 10 * DAY })
    const due = computeDue([a, b], settings, T0 + 9 * DAY + HOUR)
    expect(due.map((r) => r.entryId)).toEqual(['b', 'a'])
    expect(nextDueMoment([a, b], settings, T0 + 9 * DAY + HOUR)).toBe(T0 + 10 * DAY)
  })

  it('refuses malformed settings with a typed error', () => {
    for (const bad of [[], [0], [1.5], ['7'], 'x', [4000], Array(11).fill(1)])
      expect(() => parseThresholds(bad)).toThrow(ReminderError)
    expect(() =>
      readReminderSettings({
        getSetting: <T>(k: string) =>
          (k === 'accountPolicy' ? { blazemeterExpiryCap: '2-years' } : undefined) as T,
      }),
    ).toThrow(/BlazeMeter expiry cap/)
  })
})
