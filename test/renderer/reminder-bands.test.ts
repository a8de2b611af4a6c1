import { describe, expect, it } from 'vitest'
import type { ReminderView } from '../../src-main/ipc/contract'
import { DAY_MS } from '../../src-renderer/lib/format'
import { groupByBand } from '../../src-renderer/lib/reminder-bands'

const NOW = 1_800_000_000_000
const item = (
  kind: ReminderView['kind'],
  dueInDays: number | null,
  name: string,
): ReminderView => ({
  kind,
  threshold: 0,
  style: 'generic',
  entryName: name,
  dueAt: dueInDays === null ? null : NOW + dueInDays * DAY_MS,
  text: name,
})

describe('groupByBand', () => {
  it('puts each reminder in the band a user acts on, bands in order, soonest first', () => {
    const bands = groupByBand(
      [
        item('rotation-due', -3, 'rotate-me'),
        item('expires-soon', 20, 'month-b'),
        item('expires-soon', 2, 'week'),
        item('expired', -1, 'gone'),
        item('expires-soon', 9, 'month-a'),
        item('validation-failed', null, 'failing'),
        // Passed its expiry since the snapshot was taken: expired now.
        item('expires-soon', -0.5, 'just-gone'),
      ],
      NOW,
    )
    expect(bands.map((b) => [b.id, b.items.map((i) => i.entryName)])).toEqual([
      ['expired', ['gone', 'just-gone']],
      ['week', ['week']],
      ['month', ['month-a', 'month-b']],
      ['rotation', ['rotate-me']],
      ['checks', ['failing']],
    ])
  })
  it('leaves out empty bands', () => {
    expect(groupByBand([], NOW)).toEqual([])
  })
})
