import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../src-main/providers'
import type { DueReminder } from '../../src-main/reminders/types'
import { BandedReminders } from '../../src-main/services/reminder-pages'

const NOW = 1_800_000_000_000
const due = (kind: DueReminder['kind'], inDays: number, entryId: string): DueReminder => ({
  entryId,
  style: 'generic',
  kind,
  threshold: kind === 'expires-soon' ? 30 : 0,
  dueAt: NOW - DAY_MS,
  deadline: NOW + inDays * DAY_MS,
})
const ids = (b: BandedReminders, band: Parameters<BandedReminders['slice']>[0]) =>
  b.slice(band, 0, 100).items.map((r) => r.entryId)

describe('BandedReminders', () => {
  const sample = () =>
    new BandedReminders(
      [
        due('rotation-due', -3, 'rotate-me'),
        due('expires-soon', 20, 'month-b'),
        due('expires-soon', 2, 'week'),
        due('expired', -1, 'gone'),
        due('expires-soon', 9, 'month-a'),
        due('validation-failed', -2, 'failing'),
        // Passed its expiry since its reminder fell due: expired now.
        due('expires-soon', -0.5, 'just-gone'),
      ],
      NOW,
    )

  it('puts each reminder in the band a user acts on, bands in order, soonest first', () => {
    const b = sample()
    expect(b.counts().map((c) => [c.id, c.count])).toEqual([
      ['expired', 2],
      ['week', 1],
      ['month', 2],
      ['rotation', 1],
      ['checks', 1],
    ])
    expect(ids(b, 'expired')).toEqual(['gone', 'just-gone'])
    expect(ids(b, 'month')).toEqual(['month-a', 'month-b'])
    expect(b.count).toBe(7)
  })

  it('slices a band, and takes one reminder out of it', () => {
    const b = sample()
    expect(b.slice('month', 1, 5)).toMatchObject({ total: 2 })
    expect(b.slice('month', 1, 5).items.map((r) => r.entryId)).toEqual(['month-b'])
    const ref = { entryId: 'month-a', kind: 'expires-soon' as const, threshold: 30 }
    expect(b.find(ref)?.entryId).toBe('month-a')
    expect(b.remove(ref)).toBe(true)
    expect(b.remove(ref)).toBe(false)
    expect(b.find(ref)).toBeUndefined()
    expect(ids(b, 'month')).toEqual(['month-b'])
    expect(b.count).toBe(6)
  })

  it('leaves out empty bands', () => {
    const b = new BandedReminders([], NOW)
    expect(b.counts()).toEqual([])
    expect(b.slice('week', 0, 10)).toEqual({ total: 0, items: [] })
  })
})
