import { describe, expect, it } from 'vitest'
import type { EntrySummary } from '../../src-main/ipc/contract'
import { filterEntries } from '../../src-renderer/lib/filters'
import { DAY_MS } from '../../src-renderer/lib/format'
import { appendCapped } from '../../src-renderer/stores/keyserver'

const NOW = 1_800_000_000_000
const STYLES = [
  'webpagetest',
  'similarweb',
  'userplane',
  'wellows',
  'blazemeter',
  'generic',
] as const

function entry(i: number): EntrySummary {
  return {
    id: `e${i}`,
    style: STYLES[i % STYLES.length]!,
    status: i % 10 === 0 ? 'revoked' : 'active',
    createdAt: NOW,
    updatedAt: NOW,
    expiresAt: i % 3 === 0 ? null : NOW + ((i % 90) - 10) * DAY_MS,
    lastRotatedAt: NOW,
    rotationPolicyDays: null,
    lastCheck: i % 7 === 0 ? { status: 'invalid', at: NOW } : null,
    name: `key-${i}`,
    environment: '',
    tags: [],
    notes: '',
    scope: {},
    baseUrl: null,
    origin: 'manual',
    serverKeyId: null,
    hasSecret: false,
    historyCount: 0,
  }
}

const ALL = Array.from({ length: 100_000 }, (_, i) => entry(i))

describe('filterEntries', () => {
  it('returns the same array when nothing filters (no copy of 100k rows)', () => {
    expect(filterEntries(ALL, { style: 'all', status: 'all' }, NOW)).toBe(ALL)
  })

  it('filters by style and by each status, exactly', () => {
    const check = (
      style: EntrySummary['style'] | 'all',
      status: Parameters<typeof filterEntries>[1]['status'],
      pred: (e: EntrySummary) => boolean,
    ) =>
      expect(filterEntries(ALL, { style, status }, NOW).map((e) => e.id)).toEqual(
        ALL.filter(pred).map((e) => e.id),
      )
    check('wellows', 'all', (e) => e.style === 'wellows')
    check('all', 'revoked', (e) => e.status === 'revoked')
    check('all', 'expired', (e) => e.expiresAt !== null && e.expiresAt <= NOW)
    check(
      'all',
      'expiring',
      (e) => e.expiresAt !== null && e.expiresAt > NOW && e.expiresAt <= NOW + 30 * DAY_MS,
    )
    check(
      'userplane',
      'check-failed',
      (e) => e.style === 'userplane' && e.lastCheck?.status === 'invalid',
    )
  })

  it('filters 100k entries well within a frame budget', () => {
    const start = performance.now()
    for (let i = 0; i < 5; i++) filterEntries(ALL, { style: 'blazemeter', status: 'expiring' }, NOW)
    expect((performance.now() - start) / 5).toBeLessThan(50)
  })
})

describe('appendCapped', () => {
  it('keeps the newest lines up to the limit', () => {
    let log: number[] = []
    for (let i = 0; i < 7; i++) log = appendCapped(log, i, 3)
    expect(log).toEqual([4, 5, 6])
  })
})
